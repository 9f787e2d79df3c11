// Learning-rate schedules, evaluated at a fractional epoch
// (epoch + step/steps_per_epoch) so the rate changes every step.
#pragma once

#include <cstdint>
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

// The point of the schedule a step uses: epoch + step/steps ("step"), or the
// epoch's start for all its steps ("epoch": a scheduler stepped once per epoch,
// as the authors' search code).
double lr_progress(const std::string& update, int epoch, int64_t step, int64_t steps);

// Search-time cutout probability of an epoch: `max_prob`·epoch/(epochs−1),
// linear from 0 at the first epoch (sota/cnn/train_search.py).
double cutout_probability(double max_prob, int epoch, int epochs);

}  // namespace ldarts
