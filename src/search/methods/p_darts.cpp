// P-DARTS (Chen et al. 2019; docs/methods.md §4). Its step is first-order
// DARTS (α step first, the α gradient clipped at 5: --arch-grad-clip); what
// makes P-DARTS is around the step: the stages (search/progressive.h), the
// skip-connection dropout (ops/skip_dropout.h, a network option) and the skip
// limit of the final cell. The method records the stage and the ops of every
// edge in each checkpoint, so that a resume continues that very stage.
#include "ldarts/core/error.h"
#include "ldarts/io/checkpoint.h"
#include "ldarts/model/search_network.h"
#include "ldarts/search/progressive.h"
#include "ldarts/data/augment.h"
#include "ldarts/search/method.h"

namespace ldarts {
namespace {

// "normal: op op | op op ...; reduce: ..." of a stage's space.
std::string ops_text(const SearchSpace& space) {
  std::string out;
  for (const CellType& type : space.cell_types) {
    out += (out.empty() ? "" : "; ") + type.name + ":";
    for (size_t e = 0; e < type.edge_ops.size(); ++e) {
      out += e ? " |" : "";
      for (const auto& op : type.edge_ops[e]) out += " " + op;
    }
  }
  return out;
}

class PDarts final : public SearchMethod {
 public:
  PDarts(int stage, std::string ops, double skip_dropout, int frozen)
      : stage_(stage), ops_(std::move(ops)), skip_dropout_(skip_dropout), frozen_(frozen) {}
  // The epoch's skip-dropout rate (train_search.py:152-158).
  void begin_epoch(SearchNetworkImpl& network, int epoch, int epochs) override {
    network.set_skip_dropout(skip_dropout_rate(skip_dropout_, epoch, epochs, frozen_));
  }
  void save(Checkpoint& c) const override {
    c.integers["search/p-darts/stage"] = stage_;
    c.strings["search/p-darts/ops"] = ops_;
  }
  void load(const Checkpoint& c) override {
    const int64_t stage = c.integers.count("search/p-darts/stage") ? c.integer("search/p-darts/stage") : -2;
    LDARTS_CHECK(stage == stage_, c.source, ": a checkpoint of P-DARTS stage ", stage + 1, "; this run is stage ",
                 stage_ + 1, " (resume the whole run with --resume auto in its folder)");
    LDARTS_CHECK(c.string("search/p-darts/ops") == ops_, c.source, ": P-DARTS stage ", stage_ + 1,
                 " with other ops per edge (", c.string("search/p-darts/ops"), ") than this run's (", ops_, ")");
  }

 private:
  int stage_;
  std::string ops_;
  double skip_dropout_;
  int frozen_;
};

std::unique_ptr<SearchMethod> make_p_darts(const SearchOptions& options, const SearchSpace& space) {
  LDARTS_CHECK(space.kind == CellKind::darts, "--method p-darts needs a DARTS-family space (it grows the DARTS "
               "network by cells between stages); got --space ", space.name);
  LDARTS_CHECK(!options.edge_normalization, "--method p-darts does not combine with --edge-normalization "
               "(P-DARTS drops ops and derives its cell without edge weights)");
  return std::make_unique<PDarts>(method_settings<PDartsSettings>(options, "p-darts").stage, ops_text(space),
                                  options.skip_dropout, options.arch_start_epoch);
}

void declare_options(OptionSink& sink, std::any& settings) {
  PDartsSettings& s = std::any_cast<PDartsSettings&>(settings);
  sink.add("pdarts-add-layers", s.add_layers,
           "p-darts: cells added to --layers in each stage (one value per stage; P-DARTS: 0,6,12)");
  sink.add("pdarts-keep-ops", s.keep_ops, "p-darts: ops per edge kept after each stage, ending with 1 (P-DARTS: 5,3,1)");
  sink.add("pdarts-skip-dropout", s.skip_dropout,
           "p-darts: each stage's skip-connection dropout rate d (P-DARTS CIFAR-10: 0.1,0.4,0.7)");
  sink.add("pdarts-priors", s.priors,
           "p-darts: false = \"w/o priors\" (Table 6): no skip-connection dropout, no skip limit");
  sink.add("pdarts-max-skips", s.max_skips,
           "p-darts with priors: skip_connects the final normal cell keeps at most (P-DARTS: 2)");
}

// A test-sized step: stage 1 (first order, skip dropout 0.1, α clipped at 5).
void test_sized(SearchOptions& o) {
  method_settings<PDartsSettings>(o, "p-darts").stage = 0;
  o.skip_dropout = 0.1, o.arch_grad_clip = 5, o.edge_normalization = false;
}

}  // namespace

LDARTS_REGISTER_METHOD({"p-darts", "P-DARTS: progressive stages, op pruning, skip dropout (Chen et al. 2019)",
                        make_p_darts, PDartsSettings{}, declare_options, test_sized, run_progressive, 70, true})

}  // namespace ldarts
