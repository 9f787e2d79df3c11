// The CUDA path: one search step on the GPU equals the CPU step in float64
// (both spaces, Λ-DARTS central, fused cells, channels-last), and the fused
// cell kernel equals the per-edge one on the GPU. Skipped without a GPU
// (scripts/device-check.sh runs them on the device machine).
#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include "ldarts/dist/communicator.h"
#include "ldarts/search/searcher.h"
#include "support/search_support.h"

using namespace ldarts;

namespace {

SearchOptions small(const std::string& space, const std::string& device, const std::string& kernel) {
  SearchOptions o = test::tiny_search_options();
  o.space = space, o.layers = 5;
  o.device = device, o.cell_kernel = kernel, o.float64 = true;
  return o;
}

// ω and α after two steps from the same seed and batches.
std::vector<torch::Tensor> after_steps(const SearchOptions& o) {
  torch::manual_seed(0);
  LocalCommunicator comm;
  Searcher s(o, find_space(o.space), 3, 10, comm);
  const Batch train = test::random_batch(8, 1, 3, 16), valid = test::random_batch(8, std::nullopt, 3, 16);
  for (int i = 0; i < 2; ++i) s.step(train, valid, StepSchedule{0.025, 0.25});
  std::vector<torch::Tensor> out;
  for (const auto& p : s.network()->parameters()) out.push_back(p.detach().cpu());
  for (const auto& a : s.architecture().alphas()) out.push_back(a.detach().cpu());
  return out;
}

void expect_equal(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i)
    EXPECT_LT((a[i] - b[i]).abs().max().item<double>(), 1e-9 * std::max(1.0, b[i].abs().max().item<double>())) << i;
}

}  // namespace

TEST(Cuda, SearchStepsMatchCpuInFloat64) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  for (const char* space : {"nb201", "darts"}) {
    SCOPED_TRACE(space);
    expect_equal(after_steps(small(space, "cuda", "fused")), after_steps(small(space, "cpu", "fused")));
  }
}

TEST(Cuda, FusedCellsMatchPerEdgeInFloat64) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  for (const char* space : {"nb201", "darts"}) {
    SCOPED_TRACE(space);
    expect_equal(after_steps(small(space, "cuda", "fused")), after_steps(small(space, "cuda", "per-edge")));
  }
}

// The same check on the CPU (runs everywhere): two float64 search steps with
// the fused cells equal those with the per-edge cells.
TEST(CellKernel, CpuFusedCellsMatchPerEdgeInFloat64Steps) {
  for (const char* space : {"nb201", "darts"}) {
    SCOPED_TRACE(space);
    expect_equal(after_steps(small(space, "cpu", "fused")), after_steps(small(space, "cpu", "per-edge")));
  }
}

// A search state written with the straightforward supernet (per-edge cells,
// NCHW: how every checkpoint before the fused kernel was written) loads into
// the fused one, and both continue to the same state.
TEST(CellKernel, PerEdgeCheckpointResumesWithFusedCells) {
  SearchOptions old_style = small("darts", "cpu", "per-edge");
  old_style.channels_last = false;
  const SearchOptions fused = small("darts", "cpu", "fused");
  const Batch train = test::random_batch(8, 1, 3, 16), valid = test::random_batch(8, std::nullopt, 3, 16);
  LocalCommunicator comm;
  torch::manual_seed(0);
  Searcher writer(old_style, find_space("darts"), 3, 10, comm);
  writer.step(train, valid, StepSchedule{0.025, 0.25});
  Checkpoint c;
  writer.save_state(c);
  Searcher reader(fused, find_space("darts"), 3, 10, comm);
  reader.load_state(c);
  writer.step(train, valid, StepSchedule{0.025, 0.25});
  reader.step(train, valid, StepSchedule{0.025, 0.25});
  std::vector<torch::Tensor> a, b;
  for (const auto& p : writer.network()->parameters()) a.push_back(p.detach());
  for (const auto& p : reader.network()->parameters()) b.push_back(p.detach());
  a.push_back(writer.architecture().alpha(0).detach()), b.push_back(reader.architecture().alpha(0).detach());
  expect_equal(b, a);
}
