// Drawing the report's plots as SVG with gnuplot (Debian: gnuplot-nox), in one
// gnuplot run for all of them.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ldarts/report/plots.h"

namespace ldarts {

// Whether `gnuplot` is on the PATH.
bool gnuplot_available();

// Writes every series of `plots` as a data file into `folder` and returns the
// script that draws plot i into <folder>/<id>.svg (gaps at NaN values).
std::string write_gnuplot_input(const std::vector<Plot>& plots, const std::string& folder);

// Every plot drawn: plot id -> SVG text as gnuplot wrote it. A temporary
// folder holds the data and is removed afterwards. An Error naming the package
// when gnuplot is missing, with gnuplot's message when it fails.
std::map<std::string, std::string> render_svgs(const std::vector<Plot>& plots);

}  // namespace ldarts
