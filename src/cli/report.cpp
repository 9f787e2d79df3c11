// ldarts report: one self-contained HTML page of one or several run folders,
// plotted with gnuplot (docs/report.md).
#include <cstdio>
#include <memory>

#include <CLI/CLI.hpp>

#include "ldarts/cli/commands.h"
#include "ldarts/report/report.h"

namespace ldarts {

void setup_report(CLI::App& app) {
  auto opt = std::make_shared<ReportOptions>();
  CLI::App* sub = app.add_subcommand(
      "report", "Write an offline HTML page of run folders (several: overlaid; seeds of one config averaged)");
  sub->add_option("runs", opt->run_dirs, "Run folders of ldarts search / ldarts train")
      ->required();
  sub->add_option("--out", opt->out, "HTML file to write (default: <first run>/report.html)");
  sub->add_option("--title", opt->title, "Page title (default: the run names)");
  sub->callback([opt] {
    const ReportResult result = write_report(*opt);
    for (const std::string& w : result.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    std::printf("%s\n", result.path.c_str());
  });
}

}  // namespace ldarts
