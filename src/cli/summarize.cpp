// ldarts summarize: mean ± std and 95% CI over seeds of run folders, grouped by
// config keys, as a Markdown table and optionally a CSV (docs/summarize.md).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "ldarts/cli/commands.h"
#include "ldarts/core/files.h"
#include "ldarts/summary/run_folders.h"
#include "ldarts/summary/summary.h"

namespace ldarts {

void setup_summarize(CLI::App& app) {
  struct Options {
    std::vector<std::string> dirs;
    std::vector<std::string> by;
    std::string csv;
  };
  auto opt = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand(
      "summarize", "Tables of run folders: per group of runs, mean ± std and 95% CI over seeds of each result");
  sub->add_option("dirs", opt->dirs, "Run folders, or folders of run folders (a sweep's --out)")->required();
  sub->add_option("--by", opt->by,
                  "config.toml keys that form the groups, e.g. lambda,epsilon0 (default: the keys whose values differ, "
                  "except seed, out, resume, threads, log-every, device)")
      ->delimiter(',');
  sub->add_option("--csv", opt->csv, "Also write one row per group to this CSV file");
  sub->callback([opt] {
    const RunSet set = read_runs(opt->dirs);
    for (const std::string& note : set.notes) std::fprintf(stderr, "note: %s\n", note.c_str());
    for (const RunData& run : set.runs)
      for (const std::string& w : run.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    std::vector<std::string> skipped;
    const std::vector<GroupSummary> groups = summarize(set.runs, opt->by, &skipped);
    std::fputs(to_markdown(groups, skipped).c_str(), stdout);
    if (!opt->csv.empty()) {
      write_file_atomically(opt->csv, to_csv(groups));
      std::fprintf(stderr, "wrote %s\n", opt->csv.c_str());
    }
  });
}

}  // namespace ldarts
