// Every --method: its name and factory. A new method is a file in this folder and one line here.
#include <iterator>

#include "ldarts/core/error.h"
#include "methods.h"

namespace ldarts {
namespace {

struct Entry {
  MethodKind kind;
  const char* name;
  std::unique_ptr<SearchMethod> (*make)(const SearchOptions&, const SearchSpace&);
};

const Entry kMethods[] = {
    {MethodKind::darts, "darts", make_darts},
    {MethodKind::darts_2nd, "darts-2nd", make_darts_2nd},
    {MethodKind::sdarts_rs, "sdarts-rs", make_sdarts_rs},
    {MethodKind::sdarts_adv, "sdarts-adv", make_sdarts_adv},
    {MethodKind::beta_darts, "beta-darts", make_beta_darts},
    {MethodKind::darts_minus, "darts-minus", make_darts_minus},
    {MethodKind::pc_darts, "pc-darts", make_pc_darts},
    {MethodKind::p_darts, "p-darts", make_p_darts},
};

const Entry& entry(MethodKind kind) {
  for (const Entry& e : kMethods)
    if (e.kind == kind) return e;
  fail("unknown search method ", int(kind));
}

}  // namespace

MethodKind parse_method(const std::string& name) {
  for (const Entry& e : kMethods)
    if (name == e.name) return e.kind;
  std::string known;
  for (const Entry& e : kMethods) known += std::string(known.empty() ? "" : ", ") + e.name;
  fail("--method must be one of ", known, "; got '", name, "'");
}

const char* method_name(MethodKind kind) { return entry(kind).name; }

std::vector<std::string> method_names() {
  std::vector<std::string> names;
  for (const Entry& e : kMethods) names.push_back(e.name);
  return names;
}

std::unique_ptr<SearchMethod> make_method(const SearchOptions& options, const SearchSpace& space) {
  return entry(options.method).make(options, space);
}

}  // namespace ldarts
