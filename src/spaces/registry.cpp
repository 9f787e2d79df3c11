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

static const std::map<std::string, SearchSpace>& registry() {
  static const std::map<std::string, SearchSpace> spaces = [] {
    std::map<std::string, SearchSpace> m;
    for (const SearchSpace& s : {
             nb201_space(),
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
