// Evaluation training: the loss, a few real steps, exact resume, and the run's refusals.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <signal.h>
#include <unistd.h>

#include <cmath>

#include "ldarts/core/files.h"
#include "ldarts/data/dataset.h"
#include "ldarts/io/checkpoint.h"
#include "ldarts/train/train_run.h"
#include "ldarts/train/trainer.h"
#include "support/test_support.h"

using namespace ldarts;

namespace {
const char* kCell =
    "Genotype(normal=[('sep_conv_3x3', 0), ('skip_connect', 1), ('dil_conv_3x3', 0), ('max_pool_3x3', 2)], "
    "normal_concat=range(2, 4), reduce=[('max_pool_3x3', 0), ('avg_pool_3x3', 1), ('skip_connect', 2), "
    "('sep_conv_5x5', 1)], reduce_concat=range(2, 4))";

TrainOptions tiny(const std::string& data, const std::string& out) {
  TrainOptions o;
  o.genotype = kCell;
  o.dataset = "mnist", o.data_dir = data, o.out = out;
  o.channels = 4, o.layers = 3, o.batch_size = 8, o.epochs = 2, o.max_steps = 3, o.eval_steps = 1;
  o.cutout = 4, o.drop_path = 0.3, o.label_smoothing = 0.1, o.valid_portion = 0.25;
  o.threads = 1, o.seed = 5, o.test = false, o.keep_checkpoints = 100, o.checkpoint_every = 1;
  return o;
}
}  // namespace

TEST(Train, LabelSmoothingLossByHand) {
  const auto logits = torch::tensor({{2.0, 1.0, 0.0}, {0.5, -1.0, 3.0}}, torch::kDouble);
  const auto labels = torch::tensor({0, 1}, torch::kLong);
  double expected = 0;
  const double rows[2][3] = {{2.0, 1.0, 0.0}, {0.5, -1.0, 3.0}};
  const int y[2] = {0, 1};
  for (int i = 0; i < 2; ++i) {
    const double lse = std::log(std::exp(rows[i][0]) + std::exp(rows[i][1]) + std::exp(rows[i][2]));
    double mean_neg_log_p = 0;
    for (double z : rows[i]) mean_neg_log_p += (lse - z) / 3;
    expected += (0.9 * (lse - rows[i][y[i]]) + 0.1 * mean_neg_log_p) / 2;
  }
  EXPECT_NEAR(classification_loss(logits, labels, 0.1).item<double>(), expected, 1e-6);
  EXPECT_NEAR(classification_loss(logits, labels, 0.0).item<double>(),
              torch::nn::functional::cross_entropy(logits, labels).item<double>(), 1e-6);
  EXPECT_EQ(topk_correct(logits, labels, 1), 1);  // row 0 right, row 1 wrong
  EXPECT_EQ(topk_correct(logits, labels, 2), 1);  // label 1 is the smallest logit of row 1
  EXPECT_EQ(topk_correct(logits, labels, 5), 2);  // k capped at the class count
}

TEST(Train, AFewStepsReduceTheLossOnFashionMnist) {
  if (!file_exists(default_data_dir("fashion-mnist") + "/train-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)";
  torch::manual_seed(0);
  const ImageSet data = load_image_set("fashion-mnist", "", Split::train);
  std::vector<int64_t> first(256);
  for (int i = 0; i < 256; ++i) first[i] = i;
  const Batch all = make_batch(data, first, normalization_of("fashion-mnist"), AugmentOptions{false}, 0);
  TrainOptions o;
  o.channels = 8, o.drop_path = 0, o.cutout = 0;
  LocalCommunicator comm;
  EvalNetworkOptions n;
  n.channels = 8, n.layers = 3, n.in_channels = 1, n.auxiliary = false;
  Trainer trainer(o, make_eval_network(parse_genotype(kCell, "t"), n), comm);
  // The loss on all 256 images with batch statistics (running statistics lag behind after 25 steps).
  const auto loss_on_all = [&] {
    torch::NoGradGuard no_grad;
    return classification_loss(trainer.model()->forward(all.images).logits, all.labels, 0.0).item<double>();
  };
  const double before = loss_on_all();
  for (int step = 0; step < 25; ++step) {
    const auto rows = torch::randperm(256).narrow(0, 0, 64);
    trainer.step(Batch{all.images.index_select(0, rows), all.labels.index_select(0, rows)}, 0.05);
  }
  const double after = loss_on_all();
  EXPECT_LT(after, 0.6 * before) << "before " << before << " after " << after;
  EXPECT_TRUE(std::isfinite(trainer.evaluate({all}).loss));
}

TEST(Train, ResumeIsExact) {
  test::TempDir dir;
  test::write_tiny_mnist(dir.path(), 64, 12);
  LocalCommunicator comm;
  run_train(tiny(dir.path(), dir.file("whole")), "", comm);
  TrainOptions resumed = tiny(dir.path(), dir.file("resumed"));
  resumed.resume = dir.file("whole/" + checkpoint_name(4));  // epoch 2, step 1: mid-epoch
  resumed.loader_threads = 2;  // batches built by 2 workers instead of the main thread: the same bits
  run_train(resumed, "", comm);
  const Checkpoint a = read_checkpoint(dir.file("whole/" + checkpoint_name(6)));
  const Checkpoint b = read_checkpoint(dir.file("resumed/" + checkpoint_name(6)));
  EXPECT_EQ(a.tensors.size(), b.tensors.size());
  for (const auto& [key, t] : a.tensors) EXPECT_TRUE(torch::equal(t, b.tensor(key))) << key;
  EXPECT_EQ(test::without_last_column(test::read_text(dir.file("whole/metrics.csv"))),
            test::without_last_column(test::read_text(dir.file("resumed/metrics.csv"))));
}

TEST(Train, RefusesASearchCheckpointAndAnotherGenotype) {
  test::TempDir dir;
  test::write_tiny_mnist(dir.path(), 64, 12);
  LocalCommunicator comm;
  TrainOptions o = tiny(dir.path(), dir.file("run"));
  o.epochs = 1;
  run_train(o, "", comm);
  TrainOptions other = o;
  other.genotype = "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|";
  other.resume = "auto";
  EXPECT_ERROR_WITH(run_train(other, "", comm), "written for another genotype");
  Checkpoint c = read_checkpoint(dir.file("run/" + checkpoint_name(3)));
  c.strings.erase("run/command");
  write_checkpoint(dir.file("search.h5"), c);
  o.resume = dir.file("search.h5");
  EXPECT_ERROR_WITH(run_train(o, "", comm), "search.h5", "not a checkpoint of `ldarts train`");
  o.resume = "";
  o.genotype = "";
  EXPECT_ERROR_WITH(run_train(o, "", comm), "--genotype is required");
}

TEST(Train, PreemptionCheckpointsExitsAndResumesExactly) {
  test::TempDir dir;
  test::write_tiny_mnist(dir.path(), 96, 12);
  const std::string common = std::string("train --genotype \"") + kCell + "\" --channels 4 --layers 3 --dataset mnist" +
                             " --data-dir " + dir.path() + " --batch-size 8 --epochs 3 --max-steps 6 --eval-steps 1" +
                             " --test false --threads 1 --seed 2 --keep-checkpoints 100";
  std::string out;
  // SIGUSR1 after global step 8 of 18 (LDARTS_STOP_AT_STEP: a preemption at a known step).
  ASSERT_NO_FATAL_FAILURE(test::interrupt_and_resume(
      common, dir.file("whole"), dir.file("stopped"), {"LDARTS_STOP_AT_STEP=8", 75, " --checkpoint-every 1"},
      [](const std::string& stopped) {
        EXPECT_NE(stopped.find("checkpoint written at epoch 2 step 2"), std::string::npos) << stopped;
      },
      &out));
  EXPECT_NE(out.find("resumed from"), std::string::npos) << out;
  const Checkpoint a = read_checkpoint(dir.file("whole/" + checkpoint_name(18)));
  const Checkpoint b = read_checkpoint(dir.file("stopped/" + checkpoint_name(18)));
  for (const auto& [key, t] : a.tensors)
    if (key.rfind("model/", 0) == 0 || key.rfind("optim/", 0) == 0) {
      EXPECT_TRUE(torch::equal(t, b.tensor(key))) << key;
    }
}
