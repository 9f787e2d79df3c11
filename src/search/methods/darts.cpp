// First-order DARTS (Liu et al. 2019, eq. 7 with ξ = 0): α descends on ∂L_val/∂α
// at the current ω. The base class's alpha_gradient is this method.
#include "ldarts/data/augment.h"
#include "ldarts/search/method.h"

namespace ldarts {

CellGradients SearchMethod::alpha_gradient(Passes& passes, const Batch& valid, const Batch& /*train*/,
                                      const StepSchedule& /*schedule*/, at::Tensor& cell_grads_valid) {
  CellGradients grads = passes.cell_gradients(valid, passes.cell_copies());
  cell_grads_valid = grads.cells;
  return grads;
}

namespace {
class Darts final : public SearchMethod {};
std::unique_ptr<SearchMethod> make_darts(const SearchOptions&, const SearchSpace&) { return std::make_unique<Darts>(); }
}  // namespace

LDARTS_REGISTER_METHOD({"darts", "first-order DARTS (Liu et al. 2019)", make_darts, {}, {}, {}, {}, 0})

}  // namespace ldarts
