// P-DARTS (Chen et al. 2019; docs/methods.md §4). Its step is first-order
// DARTS (α step first, the α gradient clipped at 5: --arch-grad-clip); what
// makes P-DARTS is around the step: the stages (search/progressive.h), the
// skip-connection dropout (ops/skip_dropout.h, a network option) and the skip
// limit of the final cell. The method records the stage and the ops of every
// edge in each checkpoint, so that a resume continues that very stage.
#include "ldarts/core/error.h"
#include "ldarts/io/checkpoint.h"
#include "ldarts/search/searcher.h"
#include "methods.h"

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
  PDarts(int stage, std::string ops) : stage_(stage), ops_(std::move(ops)) {}
  MethodKind kind() const override { return MethodKind::p_darts; }
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
};

}  // namespace

std::unique_ptr<SearchMethod> make_p_darts(const SearchOptions& options, const SearchSpace& space) {
  LDARTS_CHECK(space.kind == CellKind::darts, "--method p-darts needs a DARTS-family space (it grows the DARTS "
               "network by cells between stages); got --space ", space.name);
  LDARTS_CHECK(!options.edge_normalization, "--method p-darts does not combine with --edge-normalization "
               "(P-DARTS drops ops and derives its cell without edge weights)");
  return std::make_unique<PDarts>(options.pdarts_stage, ops_text(space));
}

}  // namespace ldarts
