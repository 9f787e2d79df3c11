// Learning-rate schedules, evaluated at a fractional epoch
// (epoch + step/steps_per_epoch) so the rate changes every step.
#pragma once

#include <string>

namespace ldarts {

// Cosine annealing from `base` to `min` over `epochs`, as the NB201 and DARTS
// search code update it.
double cosine_lr(double base, double min, double epoch_progress, int epochs);

// The PC-DARTS ImageNet schedule: during the first `warmup` epochs base·(e+1)/warmup
// per epoch e; afterwards linear from `base` at the end of warm-up to `min` at the end.
double linear_lr(double base, double min, double epoch_progress, int epochs, int warmup);

// "cosine" or "linear" (with warm-up; cosine warms up the same way when warmup > 0).
double learning_rate(const std::string& schedule, double base, double min, double epoch_progress, int epochs,
                     int warmup);

}  // namespace ldarts
