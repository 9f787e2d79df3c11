#include "ldarts/model/cell_evaluator.h"

#include <map>

#include "ldarts/core/error.h"

namespace ldarts {
namespace {

struct KernelWord {
  CellKernel kernel;
  const char* name;
};
const KernelWord kKernels[] = {{CellKernel::fused, "fused"}, {CellKernel::per_edge, "per-edge"}};

// Filled by the kernels' registrations before main (first use builds it).
std::map<CellKernel, CellEvaluatorFactory>& registry() {
  static std::map<CellKernel, CellEvaluatorFactory> kernels;
  return kernels;
}

}  // namespace

// Each kernel's registration, defined in the kernel's file. Nothing else in
// those files is referenced from outside, and a linker takes from a static
// library only the object files that something references: these addresses
// are that reference.
extern const CellKernelRegistration fused_cell_kernel, per_edge_cell_kernel;
const CellKernelRegistration* linked_cell_kernels[] = {&fused_cell_kernel, &per_edge_cell_kernel};

CellKernel parse_cell_kernel(const std::string& name) {
  std::string known;
  for (const KernelWord& w : kKernels) {
    if (name == w.name) return w.kernel;
    known += std::string(known.empty() ? "" : ", ") + w.name;
  }
  fail("--cell-kernel must be one of ", known, "; got '", name, "'");
}

const char* cell_kernel_name(CellKernel kernel) {
  for (const KernelWord& w : kKernels)
    if (w.kernel == kernel) return w.name;
  fail("unknown cell kernel ", int(kernel));
}

CellKernelRegistration::CellKernelRegistration(CellKernel kernel, CellEvaluatorFactory make) {
  registry()[kernel] = make;
}

std::unique_ptr<CellEvaluator> make_cell_evaluator(CellKernel kernel, const std::vector<Edge>& edges,
                                                   const std::vector<MixedOp>& mixed) {
  const auto found = registry().find(kernel);
  LDARTS_CHECK(found != registry().end(), "cell kernel '", cell_kernel_name(kernel),
               "' is not linked into this program");
  return found->second(edges, mixed);
}

}  // namespace ldarts
