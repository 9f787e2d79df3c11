#include "ldarts/run/schedule.h"

#include <algorithm>
#include <cmath>

#include "ldarts/core/error.h"

namespace ldarts {

double cosine_lr(double base, double min, double epoch_progress, int epochs) {
  const double t = epochs > 0 ? epoch_progress / epochs : 1.0;
  return min + (base - min) * 0.5 * (1.0 + std::cos(M_PI * t));
}

double linear_lr(double base, double min, double epoch_progress, int epochs, int warmup) {
  if (epoch_progress < warmup) return base * (std::floor(epoch_progress) + 1) / warmup;
  const double span = std::max(1, epochs - warmup);
  return base + (min - base) * std::min(1.0, (epoch_progress - warmup) / span);
}

double learning_rate(const std::string& schedule, double base, double min, double epoch_progress, int epochs,
                     int warmup) {
  LDARTS_CHECK(warmup >= 0 && (warmup < epochs || warmup == 0), "--warmup-epochs ", warmup,
               " must be below --epochs ", epochs);
  if (schedule == "linear") return linear_lr(base, min, epoch_progress, epochs, warmup);
  LDARTS_CHECK(schedule == "cosine", "--lr-schedule must be cosine or linear, got '", schedule, "'");
  if (epoch_progress < warmup) return linear_lr(base, min, epoch_progress, epochs, warmup);
  return cosine_lr(base, min, epoch_progress - warmup, epochs - warmup);
}

double lr_progress(const std::string& update, int epoch, int64_t step, int64_t steps) {
  return update == "epoch" ? double(epoch) : epoch + double(step) / double(steps);
}

double cutout_probability(double max_prob, int epoch, int epochs) {
  return epochs > 1 ? max_prob * epoch / (epochs - 1) : max_prob;
}

}  // namespace ldarts
