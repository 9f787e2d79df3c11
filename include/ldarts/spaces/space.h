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

// One kind of cell with its own α: NB201 has one ("cell"), the DARTS spaces two
// ("normal", "reduce"). Row e of that α has one column per op of edge_ops[e].
struct CellType {
  std::string name;
  std::vector<std::vector<std::string>> edge_ops;  // [edges][ops of that edge]
};

struct SearchSpace {
  std::string name;
  CellKind kind;
  std::vector<std::string> ops;  // α columns when every edge has the same ops (empty for S1)
  std::vector<Edge> edges;       // α rows, in this order
  int nodes;                     // nodes of the cell including its inputs (NB201: 4; DARTS: 2 + 4)
  std::vector<CellType> cell_types;

  int num_edges() const { return static_cast<int>(edges.size()); }
  int num_ops() const { return static_cast<int>(cell_types.front().edge_ops.front().size()); }
  // Index of an op name in `ops`, or -1.
  int op_index(const std::string& op) const;
  const CellType& cell_type(const std::string& name) const;
};

// Helpers for the space files.
// Every edge of every listed cell type has the same ops.
std::vector<CellType> uniform_cell_types(const std::vector<std::string>& names, int edges,
                                         const std::vector<std::string>& ops);
// The DARTS cell: inputs 0 and 1, intermediate nodes 2..5, each receiving an
// edge from every earlier node (14 edges).
std::vector<Edge> darts_edges();

// Space definitions (one per file in src/spaces/).
SearchSpace nb201_space();
SearchSpace darts_space();
SearchSpace darts_none_space();
SearchSpace s1_space();
SearchSpace s2_space();
SearchSpace s3_space();
SearchSpace s4_space();

// The registry: look a space up by name; an unknown name is a user error that
// lists the known ones.
const SearchSpace& find_space(const std::string& name);
std::vector<std::string> space_names();

}  // namespace ldarts
