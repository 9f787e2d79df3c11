#include "ldarts/search/genotype.h"

#include <algorithm>
#include <sstream>

#include "ldarts/core/error.h"

namespace ldarts {

Nb201Genotype derive_nb201(const SearchSpace& space, const std::vector<float>& alpha) {
  const int ops = space.num_ops();
  LDARTS_CHECK(static_cast<int>(alpha.size()) == space.num_edges() * ops, "alpha has ",
               alpha.size(), " values, space '", space.name, "' needs ", space.num_edges() * ops);
  Nb201Genotype g;
  for (int e = 0; e < space.num_edges(); ++e) {
    auto row = alpha.begin() + e * ops;
    g.edge_ops.push_back(space.ops[std::max_element(row, row + ops) - row]);  // first max wins ties
  }
  return g;
}

std::string to_nb201_string(const SearchSpace& space, const Nb201Genotype& genotype) {
  std::string out;
  for (int node = 1; node < space.nodes; ++node) {
    if (node > 1) out += "+";
    out += "|";
    for (int e = 0; e < space.num_edges(); ++e)
      if (space.edges[e].to == node)
        out += genotype.edge_ops[e] + "~" + std::to_string(space.edges[e].from) + "|";
  }
  return out;
}

Nb201Genotype parse_nb201_string(const SearchSpace& space, const std::string& text) {
  auto bad = [&](const std::string& why) {
    fail("bad NB201 cell string '", text, "': ", why,
         " (expected e.g. |nor_conv_3x3~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|nor_conv_1x1~1|skip_connect~2|)");
  };
  std::vector<std::string> node_parts;
  std::stringstream nodes(text);
  for (std::string part; std::getline(nodes, part, '+');) node_parts.push_back(part);
  if (static_cast<int>(node_parts.size()) != space.nodes - 1)
    bad("it has " + std::to_string(node_parts.size()) + " nodes separated by '+', the space has " +
        std::to_string(space.nodes - 1));

  Nb201Genotype g;
  g.edge_ops.assign(space.num_edges(), "");
  for (int node = 1; node < space.nodes; ++node) {
    const std::string& part = node_parts[node - 1];
    if (part.size() < 2 || part.front() != '|' || part.back() != '|')
      bad("node " + std::to_string(node) + " is not enclosed in '|'");
    std::stringstream tokens(part.substr(1, part.size() - 2));
    int count = 0;
    for (std::string token; std::getline(tokens, token, '|'); ++count) {
      const auto tilde = token.find('~');
      if (tilde == std::string::npos) bad("'" + token + "' is not op~input");
      const std::string op = token.substr(0, tilde);
      int from = -1;
      try {
        size_t used = 0;
        from = std::stoi(token.substr(tilde + 1), &used);
        if (used != token.size() - tilde - 1) from = -1;
      } catch (const std::exception&) {
      }
      if (space.op_index(op) < 0) bad("unknown op '" + op + "'");
      auto edge = std::find_if(space.edges.begin(), space.edges.end(),
                               [&](const Edge& e) { return e.to == node && e.from == from; });
      if (edge == space.edges.end()) bad("node " + std::to_string(node) + " has no input '" + token.substr(tilde + 1) + "'");
      std::string& slot = g.edge_ops[edge - space.edges.begin()];
      if (!slot.empty()) bad("edge " + std::to_string(from) + "->" + std::to_string(node) + " appears twice");
      slot = op;
    }
    if (count != node) bad("node " + std::to_string(node) + " needs " + std::to_string(node) + " inputs");
  }
  return g;
}

std::string to_json(const SearchSpace& space, const Nb201Genotype& genotype) {
  std::ostringstream out;
  out << "{\n  \"space\": \"" << space.name << "\",\n  \"nb201\": \""
      << to_nb201_string(space, genotype) << "\",\n  \"edges\": [";
  for (int e = 0; e < space.num_edges(); ++e)
    out << (e ? ",\n" : "\n") << "    {\"from\": " << space.edges[e].from << ", \"to\": "
        << space.edges[e].to << ", \"op\": \"" << genotype.edge_ops[e] << "\"}";
  out << "\n  ]\n}\n";
  return out.str();
}

std::string to_dot(const SearchSpace& space, const Nb201Genotype& g) {
  std::ostringstream dot;
  dot << "digraph \"nb201 cell\" {\n  rankdir=LR;\n  node [style=filled, shape=rect, fontname=helvetica];\n";
  for (int e = 0; e < space.num_edges(); ++e)
    if (g.edge_ops[e] != "none")
      dot << "  " << space.edges[e].from << " -> " << space.edges[e].to << " [label=\"" << g.edge_ops[e] << "\"];\n";
  dot << "}\n";
  return dot.str();
}

}  // namespace ldarts
