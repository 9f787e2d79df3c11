#include "ldarts/search/darts_genotype.h"

#include <algorithm>
#include <sstream>

#include "ldarts/core/error.h"

namespace ldarts {

DartsCellGenotype derive_darts_cell(const SearchSpace& space, const std::string& cell_type,
                                    const std::vector<float>& p, const std::vector<float>& edge_scale) {
  LDARTS_CHECK(space.kind == CellKind::darts, "space '", space.name, "' has no DARTS cells");
  const CellType& type = space.cell_type(cell_type);
  size_t entries = 0;
  for (const auto& ops : type.edge_ops) entries += ops.size();
  LDARTS_CHECK(entries == p.size(), "cell type '", cell_type, "' has ", entries, " α entries, got ", p.size());
  // Best non-none op of every edge and its weight.
  LDARTS_CHECK(edge_scale.empty() || static_cast<int>(edge_scale.size()) == space.num_edges(),
               "edge normalization weights have ", edge_scale.size(), " entries, the space has ", space.num_edges(),
               " edges");
  const std::vector<float> scale = edge_scale.empty() ? std::vector<float>(space.num_edges(), 1.0f) : edge_scale;
  std::vector<std::pair<float, std::string>> best(space.num_edges(), {-1.0f, ""});
  size_t offset = 0;
  for (int e = 0; e < space.num_edges(); ++e) {
    const auto& ops = type.edge_ops[e];
    for (size_t o = 0; o < ops.size(); ++o)
      if (ops[o] != "none" && scale[e] * p[offset + o] > best[e].first) best[e] = {scale[e] * p[offset + o], ops[o]};
    offset += ops.size();
  }

  DartsCellGenotype g;
  for (int node = 2; node < space.nodes; ++node) {
    std::vector<int> incoming;
    for (int e = 0; e < space.num_edges(); ++e)
      if (space.edges[e].to == node) incoming.push_back(e);
    // Top two by weight; ties keep the earlier edge (stable sort), as the reference code's sorted() does.
    std::stable_sort(incoming.begin(), incoming.end(), [&](int a, int b) { return best[a].first > best[b].first; });
    for (int k = 0; k < 2 && k < static_cast<int>(incoming.size()); ++k)
      g.ops.push_back({best[incoming[k]].second, space.edges[incoming[k]].from});
    g.concat.push_back(node);
  }
  return g;
}

// The (op, input) pairs as [["op", 1], ...] (JSON) or [('op', 1), ...] (Python).
static std::string pairs_text(const DartsCellGenotype& c, bool json) {
  std::ostringstream out;
  out << "[";
  for (size_t i = 0; i < c.ops.size(); ++i)
    out << (i ? ", " : "") << (json ? "[\"" : "('") << c.ops[i].first << (json ? "\", " : "', ") << c.ops[i].second
        << (json ? "]" : ")");
  out << "]";
  return out.str();
}

static std::string concat_list(const DartsCellGenotype& c) {
  std::string out = "[";
  for (size_t i = 0; i < c.concat.size(); ++i) out += (i ? ", " : "") + std::to_string(c.concat[i]);
  return out + "]";
}

std::string to_json(const DartsGenotype& g) {
  return "{\n  \"normal\": " + pairs_text(g.normal, true) + ",\n  \"normal_concat\": " + concat_list(g.normal) +
         ",\n  \"reduce\": " + pairs_text(g.reduce, true) + ",\n  \"reduce_concat\": " + concat_list(g.reduce) +
         "\n}\n";
}

// range(a, b) for consecutive ascending nodes, else the explicit list.
static std::string range_text(const DartsCellGenotype& c) {
  bool consecutive = true;
  for (size_t i = 1; i < c.concat.size(); ++i) consecutive = consecutive && c.concat[i] == c.concat[i - 1] + 1;
  if (!consecutive) return concat_list(c);
  return "range(" + std::to_string(c.concat.front()) + ", " + std::to_string(c.concat.back() + 1) + ")";
}

std::string to_genotype_text(const DartsGenotype& g) {
  return "Genotype(normal=" + pairs_text(g.normal, false) + ", normal_concat=" + range_text(g.normal) +
         ", reduce=" + pairs_text(g.reduce, false) + ", reduce_concat=" + range_text(g.reduce) + ")";
}

std::string to_dot(const DartsCellGenotype& c, const std::string& title) {
  auto node_name = [](int n) {
    return n == 0 ? std::string("\"c_{k-2}\"") : n == 1 ? std::string("\"c_{k-1}\"") : std::to_string(n - 2);
  };
  std::ostringstream out;
  out << "digraph \"" << title << "\" {\n  rankdir=LR;\n  label=\"" << title << "\";\n"
      << "  node [style=filled, shape=rect, fontname=helvetica];\n"
      << "  \"c_{k-2}\" [fillcolor=darkseagreen2];\n  \"c_{k-1}\" [fillcolor=darkseagreen2];\n"
      << "  \"c_{k}\" [fillcolor=palegoldenrod];\n";
  for (int node : c.concat) out << "  " << node_name(node) << " [fillcolor=lightblue];\n";
  for (size_t i = 0; i < c.ops.size(); ++i)
    out << "  " << node_name(c.ops[i].second) << " -> " << node_name(c.concat.at(i / 2)) << " [label=\""
        << c.ops[i].first << "\"];\n";
  for (int node : c.concat) out << "  " << node_name(node) << " -> \"c_{k}\";\n";
  out << "}\n";
  return out.str();
}

}  // namespace ldarts
