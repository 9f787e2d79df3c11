#include "ldarts/report/report.h"

#include <algorithm>

#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/report/gnuplot.h"
#include "ldarts/report/html.h"

namespace ldarts {
namespace {

std::string directory_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

ReportResult write_report(const ReportOptions& options) {
  LDARTS_CHECK(!options.run_dirs.empty(), "give at least one run folder");
  std::vector<RunData> runs;
  for (const std::string& dir : options.run_dirs) runs.push_back(read_run(dir));
  // α's edges and ops are named by space.json alone: the report knows no spaces of its own.
  for (RunData& r : runs)
    if (!r.alphas.epochs.empty() && std::count(r.missing.begin(), r.missing.end(), "space.json"))
      r.warnings.push_back("no space.json (a folder of an older ldarts): the softmax(α) plots number the edges and "
                           "label the ops op1..opK; a copy of the space.json of a search in the same space names them");
  name_runs(runs);
  const std::vector<RunGroup> groups = group_runs(runs);
  const std::vector<Plot> plots = build_plots(runs, groups);
  const std::map<std::string, std::string> svgs = render_svgs(plots);
  std::string title = options.title;
  if (title.empty()) {
    for (const RunData& r : runs) title += (title.empty() ? "" : ", ") + r.name;
    title = "ldarts report: " + (title.size() > 100 ? std::to_string(runs.size()) + " runs" : title);
  }
  ReportResult result;
  result.path = options.out.empty() ? options.run_dirs.front() + "/report.html" : options.out;
  if (!directory_of(result.path).empty()) make_dirs(directory_of(result.path));
  write_file_atomically(result.path, render_html(runs, groups, plots, svgs, title));
  result.plots = svgs.size();
  for (const RunData& r : runs)
    for (const std::string& w : r.warnings) result.warnings.push_back(r.name + ": " + w);
  return result;
}

}  // namespace ldarts
