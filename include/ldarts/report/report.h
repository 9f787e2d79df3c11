// `ldarts report`: one self-contained, offline HTML page of one or several run
// folders (docs/report.md): run_data.h reads them, plots.h decides what to
// plot, gnuplot.h draws, html.h writes the page.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ldarts {

struct ReportOptions {
  std::vector<std::string> run_dirs;  // at least one
  std::string out;                    // "" = <first run>/report.html
  std::string title;                  // "" = "ldarts report: <run names>"
};

struct ReportResult {
  std::string path;                   // the page written
  std::vector<std::string> warnings;  // "<run>: <problem>" for files that could not be read
  size_t plots = 0;
};

// Reads the runs, draws the plots, writes the page.
ReportResult write_report(const ReportOptions& options);

}  // namespace ldarts
