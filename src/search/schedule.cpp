#include "ldarts/search/schedule.h"

#include <cmath>

namespace ldarts {

double cosine_lr(double base, double min, double epoch_progress, int epochs) {
  const double t = epochs > 0 ? epoch_progress / epochs : 1.0;
  return min + (base - min) * 0.5 * (1.0 + std::cos(M_PI * t));
}

}  // namespace ldarts
