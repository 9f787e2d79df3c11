#include <sstream>

#include <torch/torch.h>

#include "ldarts/io/checkpoint.h"
#include "ldarts/run/metrics.h"
#include "ldarts/search/architecture.h"
#include "ldarts/search/observers.h"
#include "ldarts/spaces/space.h"

namespace ldarts {
namespace {

class AlphaHistory : public RunObserver {
 public:
  AlphaHistory(const RunFolder& folder, const SearchSpace& space, const Architecture& arch)
      : folder_(folder), space_(space), arch_(arch) {}

  // The ℓ1 change of softmax(α) per cell type (metrics.csv); every weight for TensorBoard.
  void declare(MetricSchema& schema) const override {
    for (const CellType& type : space_.cell_types)
      schema.declare({"alpha_change_l1_" + type.name, Every::epoch, "metrics.csv"});
    schema.declare({"alpha/", Every::epoch});
  }

  void start(const Checkpoint* resumed) override {
    text_ = resumed ? resumed->string("logs/alphas") : "";
    previous_ = probabilities();
    for (int t = 0; resumed && t < arch_.num_types(); ++t) {
      const std::string key = "logs/alphas_at_epoch_start/" + arch_.type_name(t);
      if (resumed->tensors.count(key)) previous_[t] = resumed->tensor(key).to(torch::kDouble);
    }
    folder_.write("alphas.jsonl", text_);
  }

  void on_epoch(EpochEvent& e) override {
    const std::vector<torch::Tensor> p = probabilities();
    std::ostringstream line;
    line.precision(8);
    line << "{\"epoch\": " << e.epoch;
    for (int t = 0; t < arch_.num_types(); ++t) {
      const std::string& type = arch_.type_name(t);
      const auto rows = p[t].accessor<double, 2>();
      line << ", \"" << type << "\": [";
      for (int r = 0; r < p[t].size(0); ++r) {
        line << (r ? ", [" : "[");
        for (int c = 0; c < p[t].size(1); ++c) line << (c ? ", " : "") << rows[r][c];
        line << "]";
      }
      line << "]";
      e.scalars.emplace_back("alpha_change_l1_" + type, (p[t] - previous_[t]).abs().sum().item<double>());
      for (int r = 0; r < space_.num_edges(); ++r) {
        const auto& ops = space_.cell_types[t].edge_ops[r];
        const std::string edge = std::to_string(space_.edges[r].to) + "<-" + std::to_string(space_.edges[r].from);
        for (size_t c = 0; c < ops.size(); ++c) e.scalars.emplace_back("alpha/" + type + "/" + edge + "/" + ops[c], rows[r][c]);
      }
    }
    line << "}\n";
    text_ += line.str();
    previous_ = p;
    folder_.write("alphas.jsonl", text_);
  }

  void save(Checkpoint& c) const override {
    c.strings["logs/alphas"] = text_;
    for (int t = 0; t < arch_.num_types(); ++t) c.tensors["logs/alphas_at_epoch_start/" + arch_.type_name(t)] = previous_[t];
  }

 private:
  // softmax(α) per cell type, in double on the CPU.
  std::vector<torch::Tensor> probabilities() const {
    std::vector<torch::Tensor> out;
    for (int t = 0; t < arch_.num_types(); ++t) out.push_back(arch_.probabilities(t).cpu().to(torch::kDouble));
    return out;
  }

  const RunFolder& folder_;
  const SearchSpace& space_;
  const Architecture& arch_;
  std::string text_;
  std::vector<torch::Tensor> previous_;  // softmax(α) at the start of the epoch
};

}  // namespace

std::unique_ptr<RunObserver> alpha_history(const RunFolder& folder, const SearchSpace& space,
                                           const Architecture& arch) {
  return std::make_unique<AlphaHistory>(folder, space, arch);
}

}  // namespace ldarts
