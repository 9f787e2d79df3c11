// One evaluation-training step and evaluation: SGD on cross-entropy (with
// optional label smoothing) plus the weighted auxiliary loss, gradients
// averaged over ranks, clipping, and exact save/restore.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include <torch/optim/sgd.h>

#include "ldarts/data/augment.h"
#include "ldarts/dist/communicator.h"
#include "ldarts/io/checkpoint.h"
#include "ldarts/model/eval_network.h"
#include "ldarts/train/options.h"

namespace ldarts {

struct TrainStats {
  double loss = 0, top1 = 0, top5 = 0;  // mean loss, accuracies in %
  double count = 0;                     // images (evaluation)
};

// Cross-entropy with label smoothing ε: (1−ε)·NLL(y) + ε·mean_k(−log p_k).
torch::Tensor classification_loss(const torch::Tensor& logits, const torch::Tensor& labels, double smoothing);
// Images among `labels` whose class is in the top k of `logits`.
int64_t topk_correct(const torch::Tensor& logits, const torch::Tensor& labels, int64_t k);

class Trainer {
 public:
  Trainer(const TrainOptions& options, EvalModel model, Communicator& comm);
  TrainStats step(const Batch& batch, double lr);
  TrainStats evaluate(const std::vector<Batch>& batches);
  // The same over `count` batches produced one at a time by `next` (a loader).
  TrainStats evaluate(int64_t count, const std::function<Batch()>& next);
  void save_state(Checkpoint& checkpoint) const;
  void load_state(const Checkpoint& checkpoint);
  EvalModel& model() { return model_; }
  torch::Device device() const { return device_; }
  int64_t steps_done() const { return steps_done_; }

 private:
  torch::Tensor to_device(const torch::Tensor& images) const;

  TrainOptions options_;
  EvalModel model_;
  Communicator& comm_;
  std::unique_ptr<torch::optim::SGD> optimizer_;
  torch::Device device_{torch::kCPU};
  int64_t steps_done_ = 0;
};

}  // namespace ldarts
