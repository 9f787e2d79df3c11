// Run under `mpirun -np 2` (ctest does): collectives, R ranks against one
// process accumulating R micro-batches, and exact resume with 2 ranks.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "ldarts/core/files.h"
#include "ldarts/dist/runtime.h"
#include "ldarts/io/checkpoint.h"
#include "ldarts/ops/batch_norm.h"
#include "ldarts/search/progressive.h"
#include "ldarts/search/search_run.h"
#include "ldarts/search/searcher.h"
#include "ldarts/spaces/space.h"
#include "ldarts/train/train_run.h"
#include "support/search_support.h"
#include "support/test_support.h"

using namespace ldarts;

namespace {

Runtime* runtime = nullptr;
std::unique_ptr<Communicator> world;

// A folder shared by the ranks: rank 0 makes it, everyone gets its name.
std::string shared_dir(const std::string& name) {
  const std::string dir = "/tmp/ldarts-mpi-test-" + std::to_string(getppid()) + "-" + name;
  if (world->is_root()) {
    remove_tree(dir);
    make_dirs(dir);
    test::write_tiny_mnist(dir, 96, 12);
  }
  world->barrier();
  return dir;
}

SearchOptions tiny_run(const std::string& dir, const std::string& out) {
  SearchOptions o = test::tiny_search_options(dir, dir + "/" + out);
  o.batch_size = 16;  // global: 8 per rank
  o.epochs = 2;
  o.max_steps = 3;
  o.eval_steps = 1;
  o.lambda = 0.5;  // Λ regularizer (central) active in epoch 2
  o.seed = 3;
  o.threads = 1;
  o.keep_checkpoints = 100;
  o.checkpoint_every = 1;
  return o;
}

}  // namespace

TEST(Mpi, Collectives) {
  ASSERT_EQ(world->world_size(), 2) << "run this under mpirun -np 2";
  const double r = world->rank();
  std::vector<at::Tensor> t{torch::full({3}, r, torch::kFloat), torch::full({2, 2}, 10 * r, torch::kDouble),
                            torch::full({1}, r + 1, torch::kFloat)};
  world->all_reduce_mean(t);
  EXPECT_TRUE(torch::allclose(t[0], torch::full({3}, 0.5, torch::kFloat)));
  EXPECT_TRUE(torch::allclose(t[1], torch::full({2, 2}, 5.0, torch::kDouble)));
  EXPECT_TRUE(torch::allclose(t[2], torch::full({1}, 1.5, torch::kFloat)));
  std::vector<at::Tensor> b{torch::full({4}, r + 7)};
  world->broadcast(b, 1);
  EXPECT_TRUE(torch::equal(b[0], torch::full({4}, 8.0)));
  const at::Tensor gathered = all_gather(*world, torch::full({3}, int64_t(world->rank()) + 1, torch::kLong));
  EXPECT_TRUE(torch::equal(gathered, torch::tensor({1, 1, 1, 2, 2, 2}, torch::kLong).view({2, 3})));
}

// Relative difference ‖a − b‖ / ‖a‖ of every ω / α / optimizer tensor.
void expect_same_trajectory(const Checkpoint& a, const Checkpoint& b, double tolerance) {
  int compared = 0;
  double worst = 0;
  for (const auto& [key, t] : a.tensors) {
    // BN running statistics are compared too: on R ranks they follow rank 0's
    // batch, with micro-batches the first one's (searcher.cpp, KeepStatistics).
    if (key.rfind("rng/", 0) == 0) continue;
    const double norm = t.to(torch::kDouble).norm().item<double>();
    const double diff = (t.to(torch::kDouble) - b.tensor(key).to(torch::kDouble)).norm().item<double>();
    const double rel = norm > 0 ? diff / norm : diff;
    worst = std::max(worst, rel);
    EXPECT_LT(rel, tolerance) << key;
    ++compared;
  }
  std::printf("[ mpi ] %d tensors compared, worst relative difference %.3e (tolerance %.0e)\n", compared, worst,
              tolerance);
  EXPECT_GT(compared, 50);
  EXPECT_EQ(a.string("genotype/text"), b.string("genotype/text"));
}

void ranks_against_micro_batches(double lambda, double tolerance, std::string method = "darts",
                                 bool float64 = false) {
  const std::string dir = shared_dir(std::string("equivalence-") + method + (float64 ? "-f64" : ""));
  auto configure = [&](SearchOptions o) {
    o.lambda = lambda;
    o.method = method;
    o.float64 = float64;
    if (method == "pc-darts") o.partial_channels = 2;
    if (method == "p-darts") {  // one P-DARTS stage: DARTS space, skip dropout on (its masks must agree)
      o.space = "darts-none", o.layers = 4, method_settings<PDartsSettings>(o, "p-darts").stage = 0, o.skip_dropout = 0.3, o.arch_grad_clip = 5;
    }
    return o;
  };
  const SearchOptions ranks = configure(tiny_run(dir, "ranks"));
  run_search_in(ranks, find_space(ranks.space), "", *world);  // 2 ranks x 8 images
  if (world->is_root()) {
    LocalCommunicator local;
    SearchOptions one = configure(tiny_run(dir, "micro"));
    one.accumulate = 2;  // 1 process x 2 micro-batches of 8
    run_search_in(one, find_space(one.space), "", local);
    expect_same_trajectory(read_checkpoint(dir + "/ranks/" + checkpoint_name(6)),
                           read_checkpoint(dir + "/micro/" + checkpoint_name(6)), tolerance);
  }
  world->barrier();
}

// Plain DARTS: only the summation order differs (float32 round-off).
TEST(Mpi, RanksEqualMicroBatches) { ranks_against_micro_batches(0.0, 1e-5); }

// With the Λ regularizer the central difference divides round-off by 2ε
// (ε ≈ 1e-4/‖Δ‖): in float32 a summation-order difference can put a ReLU input on
// the other side of its kink in one ± pass, and the step then differs by up to
// 1e-1 (the heavy tail of search/fidelity.h), so no float32 tolerance is both
// safe and meaningful. In float64 the same round-off stays far below 1e-8.
TEST(Mpi, RanksEqualMicroBatchesWithRegularizer) {
  ranks_against_micro_batches(0.5, 1e-8, "darts", /*float64=*/true);
}

// Every --method: 2 ranks = 1 process with 2 micro-batches (λ = 0: measured
// bit-identical for each, BN running statistics included, which SDARTS-ADV's
// eval-mode attack reads).
TEST(Mpi, RanksEqualMicroBatchesForEveryMethod) {
  for (const std::string& name : method_names()) {
    const std::string& method = name;
    if (method == "darts") continue;  // RanksEqualMicroBatches
    if (world->is_root()) std::printf("[ mpi ] --method %s\n", name.c_str());
    ranks_against_micro_batches(0.0, 1e-5, method);
  }
}

TEST(Mpi, ResumeWithTwoRanksIsExact) {
  const std::string dir = shared_dir("resume");
  run_search(tiny_run(dir, "whole"), "", *world);
  SearchOptions resumed = tiny_run(dir, "resumed");
  resumed.resume = dir + "/whole/" + checkpoint_name(4);  // epoch 2, step 1
  run_search(resumed, "", *world);
  if (world->is_root()) {
    const Checkpoint a = read_checkpoint(dir + "/whole/" + checkpoint_name(6));
    const Checkpoint b = read_checkpoint(dir + "/resumed/" + checkpoint_name(6));
    for (const auto& [key, t] : a.tensors) EXPECT_TRUE(torch::equal(t, b.tensor(key))) << key;
    EXPECT_EQ(test::read_text(dir + "/whole/steps.csv"), test::read_text(dir + "/resumed/steps.csv"));
    EXPECT_EQ(a.tensor("rng/torch_cpu").size(0), 2);  // one generator state per rank
  }
  world->barrier();
}

// Issue 15: a checkpoint of 2 ranks resumed on 1 (as 1 rank x 2 micro-batches),
// and one of 1 rank x 2 micro-batches resumed on 2 ranks, continue the
// uninterrupted run up to float summation order.
TEST(Mpi, ResumeOnAnotherWorldSizeContinuesTheRun) {
  const std::string dir = shared_dir("world");
  run_search(tiny_run(dir, "two"), "", *world);  // 2 ranks x 8 images
  if (world->is_root()) {
    LocalCommunicator local;
    SearchOptions one = tiny_run(dir, "two-on-one");
    one.resume = dir + "/two/" + checkpoint_name(4);  // epoch 2, step 1
    run_search(one, "", local);
    EXPECT_EQ(read_checkpoint(dir + "/two-on-one/" + checkpoint_name(6)).integer("run/accumulate"), 2);
    expect_same_trajectory(read_checkpoint(dir + "/two/" + checkpoint_name(6)),
                           read_checkpoint(dir + "/two-on-one/" + checkpoint_name(6)), 1e-3);
    SearchOptions single = tiny_run(dir, "one");
    single.accumulate = 2;  // 1 process x 2 micro-batches of 8
    run_search(single, "", local);
  }
  world->barrier();
  SearchOptions two = tiny_run(dir, "one-on-two");
  two.resume = dir + "/one/" + checkpoint_name(4);
  run_search(two, "", *world);
  if (world->is_root()) {
    EXPECT_EQ(read_checkpoint(dir + "/one-on-two/" + checkpoint_name(6)).integer("run/accumulate"), 1);
    expect_same_trajectory(read_checkpoint(dir + "/one/" + checkpoint_name(6)),
                           read_checkpoint(dir + "/one-on-two/" + checkpoint_name(6)), 1e-3);
  }
  world->barrier();
  // A global batch the new number of ranks does not divide is refused, naming the problem.
  SearchOptions odd = tiny_run(dir, "odd");
  odd.batch_size = 15;
  odd.resume = dir + "/one/" + checkpoint_name(4);
  EXPECT_ERROR_WITH(run_search(odd, "", *world), "--batch-size 15", "not a multiple of the 2 ranks");
  world->barrier();
}

// After steps of Λ-DARTS on different data per rank, every rank holds the same
// ω and α (a digest of all of them), and saw the same Λ, ε and ‖Δ‖.
TEST(Mpi, RanksHoldIdenticalStateAndStatistics) {
  const SearchOptions o = test::tiny_search_options();
  torch::manual_seed(world->rank() + 11);  // different init per rank: the broadcast must fix it
  Searcher searcher(o, find_space("nb201"), 1, 10, *world);
  StepStats s;
  for (int i = 0; i < 3; ++i) {
    const Batch train = test::random_batch(8, 100 * i + world->rank());  // each rank its own batch
    const Batch valid = test::random_batch(8);
    s = searcher.step(train, valid, StepSchedule{0.025, 0.5});
  }
  ASSERT_TRUE(s.regularized);
  double digest = 0;
  int64_t k = 1;
  for (const auto& p : searcher.network()->parameters()) digest += (p.to(torch::kDouble) * double(k++)).sum().item<double>();
  for (const auto& b : searcher.network()->buffers()) digest += (b.to(torch::kDouble) * double(k++)).sum().item<double>();
  digest += searcher.architecture().alpha().to(torch::kDouble).sum().item<double>() * double(k);
  const at::Tensor mine = torch::tensor({digest, s.alignment_train, s.alignment_valid, s.epsilon, s.delta_norm,
                                         s.grad_norm, s.train_loss},
                                        torch::kDouble);
  const at::Tensor all = all_gather(*world, mine);  // exact: doubles through a double all-reduce
  EXPECT_TRUE(torch::equal(all[0], all[1])) << all;
}

// SyncBN: each rank normalizes its half of a batch with the statistics of the
// whole batch; outputs, input gradients, summed parameter gradients and the
// running statistics equal one BN on the concatenated batch.
TEST(Mpi, SyncBatchNormEqualsBatchNormOnTheConcatenatedBatch) {
  torch::manual_seed(7);  // the same global batch on both ranks
  const auto x = torch::randn({8, 3, 4, 4}) * 2 + 1;
  const auto w = torch::randn({8, 3, 4, 4});
  BatchNorm reference(3, BatchNormSpec{});
  {
    torch::NoGradGuard no_grad;
    reference->parameters()[0].uniform_(0.5, 1.5);
    reference->parameters()[1].uniform_(-0.5, 0.5);
  }
  BatchNorm sync(3, BatchNormSpec{});
  {
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < 2; ++i) sync->parameters()[i].copy_(reference->parameters()[i]);
  }
  synchronize_batch_norms(*sync, *world);
  const auto xr = x.clone().requires_grad_(true);
  const auto yr = reference(xr);
  (yr * w).sum().backward();  // the loss of the whole batch = the sum of the ranks' losses
  const int64_t r = world->rank();
  const auto xl = x.narrow(0, 4 * r, 4).clone().requires_grad_(true);
  const auto yl = sync(xl);
  (yl * w.narrow(0, 4 * r, 4)).sum().backward();
  EXPECT_TRUE(torch::allclose(yl, yr.narrow(0, 4 * r, 4), 1e-4, 1e-5));
  EXPECT_TRUE(torch::allclose(xl.grad(), xr.grad().narrow(0, 4 * r, 4), 1e-4, 1e-5));
  std::vector<at::Tensor> grads{sync->parameters()[0].grad().clone(), sync->parameters()[1].grad().clone()};
  world->all_reduce_mean(grads);
  for (size_t i = 0; i < 2; ++i)
    EXPECT_TRUE(torch::allclose(grads[i] * 2, reference->parameters()[i].grad(), 1e-4, 1e-4)) << i;
  for (size_t i = 0; i < 2; ++i)
    EXPECT_TRUE(torch::allclose(sync->buffers()[i], reference->buffers()[i], 1e-5, 1e-6)) << "running stat " << i;
}

// Evaluation training with SyncBN on 2 ranks x 8 images equals one process
// with batches of 16 (no drop path: its masks come from each rank's generator;
// crops and cutout are seeded per image, so the batches are the same images).
TEST(Mpi, SyncBnTrainingOnTwoRanksEqualsOneProcess) {
  const std::string dir = shared_dir("train");
  TrainOptions o;
  o.genotype = "Genotype(normal=[('sep_conv_3x3', 0), ('skip_connect', 1), ('dil_conv_3x3', 0), ('max_pool_3x3', 2)], "
               "normal_concat=range(2, 4), reduce=[('max_pool_3x3', 0), ('avg_pool_3x3', 1), ('skip_connect', 2), "
               "('sep_conv_5x5', 1)], reduce_concat=range(2, 4))";
  o.dataset = "mnist", o.data_dir = dir, o.channels = 4, o.layers = 3, o.batch_size = 16, o.epochs = 2;
  o.max_steps = 2, o.eval_steps = 1, o.drop_path = 0, o.cutout = 4, o.sync_bn = true, o.test = false;
  o.valid_portion = 0.25, o.threads = 1, o.seed = 3, o.keep_checkpoints = 100, o.lr = 0.05;
  o.out = dir + "/two";
  run_train(o, "", *world);
  if (world->is_root()) {
    LocalCommunicator local;
    o.out = dir + "/one";
    run_train(o, "", local);
    const Checkpoint a = read_checkpoint(dir + "/two/" + checkpoint_name(4));
    const Checkpoint b = read_checkpoint(dir + "/one/" + checkpoint_name(4));
    int compared = 0;
    double worst = 0;
    for (const auto& [key, t] : a.tensors) {
      if (key.rfind("model/", 0) != 0 && key.rfind("optim/", 0) != 0) continue;  // weights, BN statistics, momentum
      const at::Tensor x = t.to(torch::kDouble), y = b.tensor(key).to(torch::kDouble);
      const double norm = x.norm().item<double>();
      const double rel = (x - y).norm().item<double>() / std::max(norm, 1e-12);
      worst = std::max(worst, rel);
      EXPECT_LT(rel, 1e-4) << key;
      ++compared;
    }
    std::printf("[ mpi ] SyncBN training: %d tensors compared, worst relative difference %.3e\n", compared, worst);
    EXPECT_GT(compared, 100);
  }
  world->barrier();
}

int main(int argc, char** argv) {
  Runtime rt(&argc, &argv);
  runtime = &rt;
  ::testing::InitGoogleTest(&argc, argv);
  if (!rt.distributed()) {
    std::fprintf(stderr, "ldarts_mpi_tests: not started by mpirun; skipping (exit 77 = ctest SKIPPED)\n");
    return 77;
  }
  world = make_communicator(rt, "mpi", false);
  torch::set_num_threads(1);
  if (rt.rank() != 0) delete ::testing::UnitTest::GetInstance()->listeners().Release(
      ::testing::UnitTest::GetInstance()->listeners().default_result_printer());
  const int failed = RUN_ALL_TESTS();
  // Every rank must agree on the outcome.
  std::vector<at::Tensor> flag{torch::tensor({double(failed)}, torch::kDouble)};
  world->all_reduce_mean(flag);
  world.reset();
  return flag[0].item<double>() > 0 ? 1 : 0;
}
