#include "ldarts/search/cell_health.h"

#include <vector>

namespace ldarts {

bool is_parameter_free(const std::string& op) {
  return op == "none" || op == "skip_connect" || op.find("pool") != std::string::npos;
}

CellHealth check_cell(const SearchSpace& space, const Nb201Genotype& g) {
  CellHealth h;
  // Nodes are numbered in topological order (every edge goes from a lower to a higher node).
  std::vector<bool> reached(space.nodes, false);
  reached[0] = true;
  std::string cut;  // the `none` edges, for the message
  for (int node = 1; node < space.nodes; ++node)
    for (int e = 0; e < space.num_edges(); ++e) {
      if (space.edges[e].to != node) continue;
      if (g.edge_ops[e] == "none")
        cut += (cut.empty() ? "" : ", ") + std::to_string(space.edges[e].from) + "->" + std::to_string(node);
      else if (reached[space.edges[e].from])
        reached[node] = true;
    }
  for (const std::string& op : g.edge_ops) h.parameter_free += is_parameter_free(op);
  h.ops = int(g.edge_ops.size());
  h.connected = reached[space.nodes - 1];
  if (!h.connected)
    h.why = "every path from the input (node 0) to the output (node " + std::to_string(space.nodes - 1) +
            ") passes a `none` edge (" + cut + "), so the cell outputs zeros and the network cannot learn " +
            "(NB201 scores such cells 10 % on CIFAR-10)";
  return h;
}

CellHealth check_cell(const DartsGenotype& g) {
  CellHealth h;  // derived DARTS-family cells never choose `none`; every node feeds the output
  for (const DartsCellGenotype* cell : {&g.normal, &g.reduce})
    for (const auto& op_input : cell->ops) {
      h.parameter_free += is_parameter_free(op_input.first);
      ++h.ops;
    }
  return h;
}

CellHealth check_cell(const AnyGenotype& g) {
  return g.is_nb201 ? check_cell(find_space("nb201"), g.nb201) : check_cell(g.darts);
}

std::string describe(const CellHealth& h) {
  const std::string count = std::to_string(h.parameter_free) + " of " + std::to_string(h.ops) + " ops parameter-free";
  return h.connected ? "cell is connected; " + count : "cell is DISCONNECTED: " + h.why + "; " + count;
}

std::string with_health(const std::string& json, const CellHealth& health) {
  std::string body = json.substr(0, json.rfind('}'));
  while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.pop_back();
  return body + ",\n  \"connected\": " + (health.connected ? "true" : "false") +
         ",\n  \"parameter_free_ops\": " + std::to_string(health.parameter_free) + "\n}\n";
}

}  // namespace ldarts
