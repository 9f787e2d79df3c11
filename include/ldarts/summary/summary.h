// `ldarts summarize`: the paper's tables from run folders (docs/summarize.md).
// Runs of one command with equal values of the grouping keys form a group; per
// group and result: n, mean, sample std and the 95% confidence interval of the
// mean over the seeds (Table 1: NB201 accuracies, mean ± std over 4 seeds;
// Fig. 4: λ and ε0 sensitivity, mean and 95% CI).
#pragma once

#include <string>
#include <vector>

#include "ldarts/report/run_data.h"

namespace ldarts {

// ---- The model: results per run, statistics per group -------------------------

// One result column: a number per run, NaN where the run lacks it.
struct ResultColumn {
  std::string name;   // CSV prefix: "cifar10_test", "device_hours"
  std::string title;  // Markdown header: "CIFAR-10", "device-h"
  int decimals;       // Markdown digits after the point
  bool share = false; // a 0/1 value per run, shown as "k/n" (runs with 1 of the runs with a value)
};
// The results of "search" or "train" runs, in table order.
const std::vector<ResultColumn>& result_columns(const std::string& command);
// The run's value of each of result_columns(run.command).
std::vector<double> run_results(const RunData& run);

struct GroupResult {
  std::string name;  // ResultColumn::name
  int n = 0;         // runs of the group that have the value
  double mean = 0;   // NaN when n = 0
  double std = 0;    // sample standard deviation (n − 1); NaN when n < 2
  double ci95 = 0;   // half-width t_{0.975, n−1} · std / √n; NaN when n < 2
};
// The statistics of the finite values (NaN values are left out).
GroupResult describe(const std::string& name, const std::vector<double>& values);

struct GroupSummary {
  std::string command;              // "search" or "train"
  std::vector<std::string> keys;    // the grouping keys (config.toml keys)
  std::vector<std::string> values;  // this group's value of each key ("" where absent)
  std::vector<std::string> runs;    // the members' names
  std::vector<std::string> seeds;   // the members' `seed` ("" where absent)
  std::vector<GroupResult> results; // one per result_columns(command)
};

// Keys that never split runs into groups by default: they do not change a
// run's results (seed is what a group averages over).
extern const std::vector<std::string> kSummaryIgnoredKeys;
// The config.toml keys whose values differ between the runs of `command`
// (a key some runs lack differs), except kSummaryIgnoredKeys, in file order.
std::vector<std::string> default_group_keys(const std::vector<RunData>& runs, const std::string& command);

// Groups the runs: equal command and equal values of the `by` keys (numbers
// compared as numbers); empty `by`: default_group_keys per command. Search
// groups first, then training groups, each ordered by their key values
// (numerically where both are numbers). A run without any result (no metrics
// row, no test.json) is left out and listed in `skipped` with why. An Error
// when there is no run with a result, or a `by` key no run has.
std::vector<GroupSummary> summarize(const std::vector<RunData>& runs, const std::vector<std::string>& by,
                                    std::vector<std::string>* skipped = nullptr);

// ---- Output --------------------------------------------------------------------

// One Markdown table per command (cells "mean ± std [±ci95]"; columns no group
// has left out), a line on the format, each group's seeds and runs, and the
// skipped runs.
std::string to_markdown(const std::vector<GroupSummary>& groups, const std::vector<std::string>& skipped = {});
// One row per group: command, the keys, n, then <name>_mean,<name>_std,
// <name>_ci95,<name>_n per result (the union over the commands present), seeds;
// full precision, empty where undefined.
std::string to_csv(const std::vector<GroupSummary>& groups);

}  // namespace ldarts
