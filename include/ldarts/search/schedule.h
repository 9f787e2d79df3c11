// Learning-rate schedules.
#pragma once

namespace ldarts {

// Cosine annealing from `base` to `min` over `epochs`, evaluated at a fractional
// epoch (epoch + step/steps_per_epoch), as the NB201 search code updates it.
double cosine_lr(double base, double min, double epoch_progress, int epochs);

}  // namespace ldarts
