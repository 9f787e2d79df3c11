// What the report plots, as data: named series per plot, built from run
// folders, with runs that differ only in their seed averaged into a mean and a
// 95% confidence band (docs/report.md). Drawing is gnuplot.h's job.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "ldarts/report/run_data.h"

namespace ldarts {

struct Series {
  std::string name;                  // legend: "<run or group>/<column>"
  std::vector<double> x, y;          // a NaN y is a gap
  std::vector<double> lower, upper;  // a group mean's 95% band (empty otherwise; NaN where n < 2)
  int color = 0;                     // palette index (palette_color)
  int dash = 0;                      // 0 solid, 1 dashed, 2 dotted, 3 dash-dot
  bool thin = false;                 // a group member drawn behind its mean, without a legend entry
};

struct Plot {
  std::string id;       // unique in the page, [a-z0-9_-]
  std::string section;  // "search", "steps", "diagnostics", "alphas", "train"
  std::string run;      // per-run plots (α strips): the run's name; "" when runs are overlaid
  std::string title, xlabel, ylabel;
  std::vector<Series> series;
  bool markers = true;  // points on the lines (per-epoch curves); per-step curves are lines only
  bool legend = true;   // α strips share one colour key in the page instead
  bool small = false;   // α strips
};

// Runs of the same command whose config.toml differ only in `seed` and `out`
// (kGroupIgnoredKeys) form a group; every run is in exactly one group, alone
// when nothing matches it or it has no config.toml.
struct RunGroup {
  std::string label;            // the run's name, or "<common prefix>* (mean of n)" ("*<common suffix>", "group k")
  std::vector<size_t> members;  // indices into the runs, ascending
};
extern const std::vector<std::string> kGroupIgnoredKeys;
std::vector<RunGroup> group_runs(const std::vector<RunData>& runs);

// t_{0.975, df} of Student's t distribution (table to 30, then an expansion).
double t_975(int degrees_of_freedom);

// The mean of the members at every x any of them has (NaN values left out),
// with the band mean ± t_{0.975,n-1}·s/√n over the n members that have a value there.
Series mean_band(const std::string& name, const std::vector<Series>& members);

// Every plot of the page, in page order. Empty series and plots are left out.
std::vector<Plot> build_plots(const std::vector<RunData>& runs, const std::vector<RunGroup>& groups);

// "#rrggbb" of palette entry i (Tableau 10, repeating).
std::string palette_color(int i);

}  // namespace ldarts
