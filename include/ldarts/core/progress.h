// Progress lines with throughput and ETA for long loops; printed by rank 0 only.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace ldarts {

// "1h02m", "3m05s", "12s"
std::string format_duration(double seconds);

class Progress {
 public:
  // total_steps: steps of the whole run (for the ETA); enabled=false prints nothing.
  Progress(int64_t total_steps, bool enabled);
  // Records that one more step is done; returns true when a line is due
  // (every `every` steps and at the last step).
  bool tick(int every);
  int64_t done() const { return done_; }
  double elapsed_seconds() const;
  double steps_per_second() const;
  double eta_seconds() const;
  bool enabled() const { return enabled_; }

 private:
  int64_t total_;
  int64_t done_ = 0;
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace ldarts
