#include "ldarts/core/progress.h"

#include <cmath>
#include <cstdio>

namespace ldarts {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%lds", s);
  return buf;
}

Progress::Progress(int64_t total_steps, bool enabled)
    : total_(total_steps), enabled_(enabled), start_(std::chrono::steady_clock::now()) {}

bool Progress::tick(int every) {
  ++done_;
  return enabled_ && (done_ == total_ || (every > 0 && done_ % every == 0));
}

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

double Progress::steps_per_second() const {
  const double t = elapsed_seconds();
  return t > 0 ? done_ / t : 0.0;
}

double Progress::eta_seconds() const {
  const double rate = steps_per_second();
  return rate > 0 ? (total_ - done_) / rate : -1.0;
}

}  // namespace ldarts
