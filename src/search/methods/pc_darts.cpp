// PC-DARTS (Xu et al. 2020; docs/methods.md §3): first-order DARTS on a supernet
// whose edges pass 1/K of the channels through the ops (the rest bypass them and
// are channel-shuffled back in), with edge normalization β in the DARTS spaces.
// Those are network options (--partial-channels K, --edge-normalization), set by
// the pc-darts presets as the published code has them: K = 4 and β on CIFAR
// (model_search.py:31), K = 2 on ImageNet, K = 4 without β on NB201 (Lambda-DARTS
// NAS-Bench201/exps/algos/PCDARTS.py). The step itself is DARTS'.
#include "ldarts/core/error.h"
#include "ldarts/data/augment.h"
#include "ldarts/search/method.h"

namespace ldarts {
namespace {

class PcDarts final : public SearchMethod {};

std::unique_ptr<SearchMethod> make_pc_darts(const SearchOptions& options, const SearchSpace&) {
  LDARTS_CHECK(options.partial_channels > 1,
               "--method pc-darts needs --partial-channels K > 1 (PC-DARTS: 4 on "
               "CIFAR and NB201, 2 on ImageNet; the pc-darts presets set it)");
  return std::make_unique<PcDarts>();
}

// A test-sized step: PC-DARTS' CIFAR K.
void test_sized(SearchOptions& o) {
  if (o.partial_channels == 1) o.partial_channels = 4;
}

}  // namespace

LDARTS_REGISTER_METHOD({"pc-darts", "PC-DARTS: partial channels and edge normalization (Xu et al. 2020)",
                        make_pc_darts, {}, {}, test_sized, {}, 60})

}  // namespace ldarts
