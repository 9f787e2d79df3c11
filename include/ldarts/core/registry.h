// Self-registration (LAMMPS' styles): a file adds itself to a registry with one
// LDARTS_REGISTER_* line run during static initialization. Such files are linked
// whole (CMakeLists.txt: ldarts_plugins), since nothing refers to them by name.
#pragma once

#include <algorithm>
#include <vector>

namespace ldarts {

// The entries of a registry (each with `name` and `order`) that `keep` accepts, by order, then name.
template <class Info, class Keep>
std::vector<const Info*> registered_in_order(const std::vector<Info>& registry, Keep keep) {
  std::vector<const Info*> out;
  for (const Info& info : registry)
    if (keep(info)) out.push_back(&info);
  std::sort(out.begin(), out.end(), [](const Info* a, const Info* b) {
    return a->order != b->order ? a->order < b->order : a->name < b->name;
  });
  return out;
}

}  // namespace ldarts

#define LDARTS_CONCAT_(a, b) a##b
#define LDARTS_CONCAT(a, b) LDARTS_CONCAT_(a, b)
// Runs `registration` (an expression giving a bool) once at start-up.
#define LDARTS_REGISTER(registration)                                                     \
  namespace {                                                                             \
  [[maybe_unused]] const bool LDARTS_CONCAT(ldarts_registered_, __LINE__) = (registration); \
  }
