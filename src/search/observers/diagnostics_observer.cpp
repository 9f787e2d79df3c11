#include <torch/torch.h>

#include "ldarts/data/augment.h"
#include "ldarts/io/checkpoint.h"
#include "ldarts/run/metrics.h"
#include "ldarts/search/diagnostics.h"
#include "ldarts/search/observers.h"
#include "ldarts/search/searcher.h"
#include "ldarts/spaces/space.h"

namespace ldarts {
namespace {

constexpr int kStages = 3;  // NB201: three resolutions; DARTS: normal cells before, between and after the reductions

// Figs. 2 and 7: the 3×3 convolution of the space (NB201 nor_conv_3x3, DARTS sep_conv_3x3) and skip_connect.
const char* conv_op(const SearchSpace& space) { return space.kind == CellKind::nb201 ? "nor_conv_3x3" : "sep_conv_3x3"; }

class Diagnostics : public RunObserver {
 public:
  Diagnostics(Searcher& searcher, const SearchSpace& space, const Batch& train, int probe_every, Communicator& comm)
      : searcher_(searcher), space_(space), train_(train), probe_every_(probe_every), comm_(comm) {
    // The first and last five cells of the first cell type (NB201: all cells; DARTS: the normal cells).
    std::vector<int> cells;
    const std::vector<int>& types = searcher_.network()->cell_types();
    for (size_t c = 0; c < types.size(); ++c)
      if (types[c] == 0) cells.push_back(int(c));
    const size_t k = std::min<size_t>(5, cells.size());
    groups_ = {std::vector<int>(cells.begin(), cells.begin() + k), std::vector<int>(cells.end() - k, cells.end())};
    columns_ = {op_columns(space_, 0, conv_op(space_)), op_columns(space_, 0, "skip_connect")};
  }

  // diagnostics.csv: the probe steps' values.
  void declare(MetricSchema& schema) const override {
    for (const std::string& name : diagnostics_columns(space_))
      if (name != "epoch" && name != "step") schema.declare({name, Every::step, "diagnostics.csv"});
  }

  void start(const Checkpoint* resumed) override {
    if (!resumed || !resumed->tensors.count("diagnostics/grad_ema")) return;
    ema_.sum = resumed->tensor("diagnostics/grad_ema").to(searcher_.device());
    ema_.count = resumed->integer("diagnostics/grad_ema_updates");
  }

  void on_step(StepEvent& e) override {
    const torch::Tensor& g = searcher_.valid_cell_gradients();
    if (g.defined() && g.size(0) > 0 && g_updated_at_ != e.global_step) {
      std::vector<torch::Tensor> values;
      for (const auto& cells : groups_)
        for (const auto& columns : columns_) values.push_back(summed_op_gradient(g, cells, columns));
      ema_.add(torch::stack(values));
      g_updated_at_ = e.global_step;
    }
    if (probe_every_ <= 0 || e.global_step % probe_every_ != 0) return;
    if (ema_.count > 0) {
      const torch::Tensor v = ema_.value().cpu();
      const char* names[] = {"grad_ema_first5_conv", "grad_ema_first5_skip", "grad_ema_last5_conv", "grad_ema_last5_skip"};
      for (int i = 0; i < 4; ++i) e.scalars.emplace_back(names[i], v[i].item<double>());
    }
    const std::vector<torch::Tensor> weights = searcher_.architecture().cell_probabilities(searcher_.network()->cell_types());
    const auto similarities = probe_similarities(*searcher_.network(), space_, weights, searcher_.device_images(train_.images),
                                                 train_.labels.to(searcher_.device()), comm_);
    for (const StageSimilarity& s : similarities) {
      e.scalars.emplace_back("cos_output_stage" + std::to_string(s.stage + 1), s.outputs);
      e.scalars.emplace_back("cos_grad_stage" + std::to_string(s.stage + 1), s.gradients);
    }
  }

  void save(Checkpoint& c) const override {
    if (!ema_.count) return;
    c.tensors["diagnostics/grad_ema"] = ema_.sum.cpu();
    c.integers["diagnostics/grad_ema_updates"] = ema_.count;
  }

 private:
  Searcher& searcher_;
  const SearchSpace& space_;
  const Batch& train_;
  int probe_every_;
  Communicator& comm_;
  std::vector<std::vector<int>> groups_, columns_;
  ExponentialAverage ema_;
  int64_t g_updated_at_ = -1;
};

}  // namespace

std::unique_ptr<RunObserver> diagnostics(Searcher& searcher, const SearchSpace& space, const Batch& train,
                                         int probe_every, Communicator& comm) {
  return std::make_unique<Diagnostics>(searcher, space, train, probe_every, comm);
}

std::vector<std::string> diagnostics_columns(const SearchSpace& space) {
  std::vector<std::string> columns = {"epoch", "step", "global_step", "grad_ema_first5_conv", "grad_ema_first5_skip",
                                      "grad_ema_last5_conv", "grad_ema_last5_skip"};
  for (int s = 1; s <= kStages; ++s) columns.push_back("cos_output_stage" + std::to_string(s));
  for (int s = 1; s <= kStages; ++s) columns.push_back("cos_grad_stage" + std::to_string(s));
  return columns;
}

}  // namespace ldarts
