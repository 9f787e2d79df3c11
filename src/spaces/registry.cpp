#include <algorithm>
#include <functional>
#include <map>

#include "ldarts/core/error.h"
#include "ldarts/spaces/space.h"

namespace ldarts {

int SearchSpace::op_index(const std::string& op) const {
  auto it = std::find(ops.begin(), ops.end(), op);
  return it == ops.end() ? -1 : static_cast<int>(it - ops.begin());
}

const CellType& SearchSpace::cell_type(const std::string& type) const {
  for (const auto& c : cell_types)
    if (c.name == type) return c;
  fail("space '", name, "' has no cell type '", type, "'");
}

std::vector<CellType> uniform_cell_types(const std::vector<std::string>& names, int edges,
                                         const std::vector<std::string>& ops) {
  std::vector<CellType> types;
  for (const auto& n : names) types.push_back(CellType{n, std::vector<std::vector<std::string>>(edges, ops)});
  return types;
}

std::vector<Edge> darts_edges() {
  std::vector<Edge> edges;
  for (int to = 2; to < 6; ++to)
    for (int from = 0; from < to; ++from) edges.push_back({from, to});
  return edges;
}

static const std::map<std::string, SearchSpace>& registry() {
  static const std::map<std::string, SearchSpace> spaces = [] {
    std::map<std::string, SearchSpace> m;
    for (const SearchSpace& s : {
             nb201_space(),
             darts_space(),
             darts_none_space(),
             s1_space(),
             s2_space(),
             s3_space(),
             s4_space(),
         })
      m.emplace(s.name, s);
    return m;
  }();
  return spaces;
}

std::vector<std::string> space_names() {
  std::vector<std::string> names;
  for (const auto& [name, space] : registry()) names.push_back(name);
  return names;
}

const SearchSpace& find_space(const std::string& name) {
  auto it = registry().find(name);
  if (it == registry().end()) {
    std::string known;
    for (const auto& n : space_names()) known += (known.empty() ? "" : ", ") + n;
    fail("unknown search space '", name, "' (known: ", known, ")");
  }
  return it->second;
}

}  // namespace ldarts
