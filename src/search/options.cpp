// The words of the enum-valued search options (include/ldarts/search/options.h).
#include "ldarts/search/options.h"

#include <iterator>

#include "ldarts/core/error.h"

namespace ldarts {
namespace {

template <typename Enum>
struct Word {
  Enum value;
  const char* name;
};

const Word<RegularizerKind> kRegularizers[] = {
    {RegularizerKind::none, "none"}, {RegularizerKind::corr, "corr"}, {RegularizerKind::signcorr, "signcorr"}};
const Word<FdMode> kFdModes[] = {{FdMode::central, "central"},
                                 {FdMode::forward, "forward"},
                                 {FdMode::backward, "backward"},
                                 {FdMode::interleaved, "interleaved"}};
const Word<LambdaTarget> kLambdaTargets[] = {{LambdaTarget::inner, "inner"}, {LambdaTarget::outer, "outer"}};
const Word<StepOrder> kStepOrders[] = {
    {StepOrder::automatic, "auto"}, {StepOrder::weights_first, "weights-first"}, {StepOrder::arch_first, "arch-first"}};

template <typename Enum, size_t N>
Enum parse(const Word<Enum> (&words)[N], const char* option, const std::string& name) {
  std::string known;
  for (const auto& w : words) {
    if (name == w.name) return w.value;
    known += std::string(known.empty() ? "" : ", ") + w.name;
  }
  fail(option, " must be one of ", known, "; got '", name, "'");
}

template <typename Enum, size_t N>
const char* name_of(const Word<Enum> (&words)[N], Enum value) {
  for (const auto& w : words)
    if (w.value == value) return w.name;
  fail("unknown option value ", int(value));
}

}  // namespace

RegularizerKind parse_regularizer(const std::string& name) { return parse(kRegularizers, "--regularizer", name); }
FdMode parse_fd_mode(const std::string& name) { return parse(kFdModes, "--fd-mode", name); }
LambdaTarget parse_lambda_target(const std::string& name) { return parse(kLambdaTargets, "--lambda-target", name); }
StepOrder parse_step_order(const std::string& name) { return parse(kStepOrders, "--step-order", name); }
const char* regularizer_name(RegularizerKind kind) { return name_of(kRegularizers, kind); }
const char* fd_mode_name(FdMode mode) { return name_of(kFdModes, mode); }
const char* lambda_target_name(LambdaTarget target) { return name_of(kLambdaTargets, target); }
const char* step_order_name(StepOrder order) { return name_of(kStepOrders, order); }

}  // namespace ldarts
