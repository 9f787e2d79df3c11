// The report page: one HTML file with inline CSS, two small inline scripts,
// the gnuplot plots as inline SVG and the run folders' cell pictures as data:
// images, under a Content-Security-Policy that forbids loading anything else
// and running any script but those two, named by their SHA-256 (docs/report.md).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ldarts/report/plots.h"
#include "ldarts/report/run_data.h"

namespace ldarts {

// The page, from the runs, their groups and plots, and each plot's SVG by plot
// id (a plot without an SVG is left out). Every <figure> of a plot carries
// data-plot="<id>" and data-series='{"<series name>": <points>, ...}'; the run
// table carries data-runs='["<name>", ...]'.
std::string render_html(const std::vector<RunData>& runs, const std::vector<RunGroup>& groups,
                        const std::vector<Plot>& plots, const std::map<std::string, std::string>& svgs,
                        const std::string& title);

// An SVG file's text ready to inline in HTML (only the plots our own gnuplot
// drew, whose text gnuplot escapes; never a file from a run folder): everything before <svg (XML
// declaration, DOCTYPE, comments) dropped and every id and reference to one
// (url(#..), href="#..") prefixed with `prefix`, so that pictures on one page
// never share ids.
std::string inline_svg(const std::string& svg, const std::string& prefix);

// Text for HTML content and attribute values (& < > " ').
std::string html_escape(const std::string& text);

// Text made safe for an id, a class or a URL fragment: every character but
// [A-Za-z0-9_-] becomes '_' (for names that come from files of a run folder).
std::string html_id(const std::string& text);

}  // namespace ldarts
