// Search spaces as data: the operations of each edge and the cell's wiring.
// Adding a space = one file in src/spaces/ plus one line in registry.cpp.
#pragma once

#include <string>
#include <vector>

namespace ldarts {

// An edge of a cell's DAG: node `to` receives op(node `from`).
struct Edge {
  int from;
  int to;
};

enum class CellKind { nb201, darts };

struct SearchSpace {
  std::string name;
  CellKind kind;
  std::vector<std::string> ops;  // α columns, in this order
  std::vector<Edge> edges;       // α rows, in this order
  int nodes;                     // nodes of the cell including its inputs

  int num_edges() const { return static_cast<int>(edges.size()); }
  int num_ops() const { return static_cast<int>(ops.size()); }
  // Index of an op name in `ops`, or -1.
  int op_index(const std::string& op) const;
};

// Space definitions (one per file in src/spaces/).
SearchSpace nb201_space();

// The registry: look a space up by name; an unknown name is a user error that
// lists the known ones.
const SearchSpace& find_space(const std::string& name);
std::vector<std::string> space_names();

}  // namespace ldarts
