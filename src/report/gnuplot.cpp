#include "ldarts/report/gnuplot.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "ldarts/core/error.h"
#include "ldarts/core/files.h"

namespace ldarts {
namespace {

// A gnuplot single-quoted string ('' is a quote inside).
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : c == '\n' || c == '\r' ? std::string(" ") : std::string(1, c);
  return out + "'";
}

// "#AARRGGBB": gnuplot's alpha byte is transparency (00 opaque).
std::string translucent(const std::string& rgb, const char* alpha) { return "#" + std::string(alpha) + rgb.substr(1); }

// x y [lower upper] rows; a blank line where y (or the band) is not a number
// ends a line segment, so gaps stay gaps.
std::string data_text(const Series& s, bool band) {
  std::ostringstream out;
  out.precision(10);
  bool open = false;
  for (size_t i = 0; i < s.x.size(); ++i) {
    const bool ok = std::isfinite(s.x[i]) && (band ? std::isfinite(s.lower[i]) && std::isfinite(s.upper[i])
                                                   : std::isfinite(s.y[i]));
    if (!ok) {
      if (open) out << "\n";
      open = false;
      continue;
    }
    out << s.x[i] << ' ' << s.y[i];
    if (band) out << ' ' << s.lower[i] << ' ' << s.upper[i];
    out << '\n';
    open = true;
  }
  return out.str();
}

bool has_band(const Series& s) {
  for (size_t i = 0; i < s.lower.size(); ++i)
    if (std::isfinite(s.lower[i]) && std::isfinite(s.upper[i])) return true;
  return false;
}

// A strip is small: about three y tics at a round step, instead of gnuplot's crowded default.
std::string y_tics(const Plot& plot) {
  double lo = INFINITY, hi = -INFINITY;
  for (const Series& s : plot.series)
    for (double y : s.y)
      if (std::isfinite(y)) lo = std::min(lo, y), hi = std::max(hi, y);
  if (!(hi > lo)) return "";
  const double raw = (hi - lo) / 3, unit = std::pow(10.0, std::floor(std::log10(raw)));
  const double step = raw / unit < 1.5 ? unit : raw / unit < 3.5 ? 2 * unit : raw / unit < 7.5 ? 5 * unit : 10 * unit;
  std::ostringstream out;
  out << "set ytics " << step << "\n";
  return out.str();
}

// Per-epoch curves get markers while there are few enough points to see them.
constexpr size_t kMaxMarkedPoints = 60;

class TempFolder {
 public:
  TempFolder() {
    const char* base = std::getenv("TMPDIR");
    path_ = std::string(base && *base ? base : "/tmp") + "/ldarts-report-XXXXXX";
    LDARTS_CHECK(::mkdtemp(path_.data()) != nullptr, "cannot create a temporary folder ", path_,
                 " (set TMPDIR to a writable folder)");
  }
  ~TempFolder() { remove_tree(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A POSIX shell single-quoted word.
std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Plain writes: hundreds of small data files in a folder removed afterwards need no fsync.
void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  LDARTS_CHECK(out.good(), "cannot write ", path);
}

std::string read_text(const std::string& path) {
  const std::vector<unsigned char> bytes = read_file_bytes(path);
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace

bool gnuplot_available() { return std::system("command -v gnuplot > /dev/null 2>&1") == 0; }

std::string write_gnuplot_input(const std::vector<Plot>& plots, const std::string& folder) {
  std::ostringstream gp;
  gp << "set encoding utf8\n";
  for (size_t p = 0; p < plots.size(); ++p) {
    const Plot& plot = plots[p];
    // noenhanced: column names have underscores, which enhanced text would make subscripts.
    gp << "reset\nset terminal svg size " << (plot.small ? "360,220" : "640,380")
       << " dynamic noenhanced font 'sans," << (plot.small ? 10 : 11) << "' background '#ffffff'\n"
       << "set output " << quoted(folder + "/" + plot.id + ".svg") << "\n"
       << "set grid lc rgb '#e0e0e0'\nset border lc rgb '#606060'\nset format y '%g'\n";
    // The page captions the big plots; a strip is one of many and names its edge itself.
    if (plot.small) gp << "set title " << quoted(plot.title) << "\nset margins 7,2,2,2\n";
    else gp << "set xlabel " << quoted(plot.xlabel) << "\nset ylabel " << quoted(plot.ylabel) << "\n";
    gp << (plot.legend ? "set key below left Left reverse samplen 3 spacing 1.1\n" : "unset key\n");
    double x_max = -INFINITY, x_min = INFINITY;
    size_t points = 0;
    for (const Series& s : plot.series) {
      for (double x : s.x) x_min = std::min(x_min, x), x_max = std::max(x_max, x);
      points = std::max(points, s.x.size());
    }
    if (plot.markers && x_max - x_min <= 12) gp << "set xtics 1\n";  // epochs are whole numbers
    if (plot.small) gp << y_tics(plot);
    if (x_max == x_min) gp << "set xrange [" << x_min - 1 << ":" << x_max + 1 << "]\n";
    const bool markers = plot.markers && points <= kMaxMarkedPoints;
    std::vector<std::string> items;
    for (size_t i = 0; i < plot.series.size(); ++i) {
      const Series& s = plot.series[i];
      const std::string file = folder + "/" + plot.id + "." + std::to_string(i);
      const std::string color = palette_color(s.color);
      if (has_band(s)) {
        write_text(file + ".band", data_text(s, true));
        items.push_back(quoted(file + ".band") + " using 1:3:4 with filledcurves lc rgb " + quoted(color) +
                        " fillstyle transparent solid 0.2 noborder notitle");
      }
      write_text(file + ".dat", data_text(s, false));
      std::string item = quoted(file + ".dat") + " using 1:2 with " + (markers ? "linespoints" : "lines");
      item += " lc rgb " + quoted(s.thin ? translucent(color, "99") : color);
      item += " lw " + std::string(s.thin ? "1" : plot.small ? "1.3" : "1.8") + " dt " + std::to_string(s.dash + 1);
      if (markers) item += s.thin ? " pt 7 ps 0.3" : " pt 7 ps 0.6";
      item += s.thin || !plot.legend ? " notitle" : " title " + quoted(s.name);
      items.push_back(item);
    }
    gp << "plot ";
    for (size_t i = 0; i < items.size(); ++i) gp << (i ? ", \\\n     " : "") << items[i];
    gp << "\nunset output\n";
  }
  return gp.str();
}

std::map<std::string, std::string> render_svgs(const std::vector<Plot>& plots) {
  std::map<std::string, std::string> svgs;
  if (plots.empty()) return svgs;
  LDARTS_CHECK(gnuplot_available(), "the report draws its plots with gnuplot, which is not on the PATH: install "
               "gnuplot-nox (apt-get install gnuplot-nox)");
  TempFolder folder;
  const std::string script = folder.path() + "/plots.gp", errors = folder.path() + "/gnuplot.err";
  write_text(script, write_gnuplot_input(plots, folder.path()));
  // -d: ignore the user's ~/.gnuplot, so every machine draws the same page.
  const std::string command = "gnuplot -d " + shell_quoted(script) + " > /dev/null 2> " + shell_quoted(errors);
  const int status = std::system(command.c_str());
  if (status != 0) {
    std::string message = file_exists(errors) ? read_text(errors) : "";
    if (message.size() > 2000) message = "..." + message.substr(message.size() - 2000);
    fail("gnuplot failed (exit status ", status, ") drawing the report's plots:\n", message);
  }
  for (const Plot& plot : plots) {
    const std::string path = folder.path() + "/" + plot.id + ".svg";
    LDARTS_CHECK(file_exists(path), "gnuplot wrote no ", plot.id, ".svg");
    svgs[plot.id] = read_text(path);
  }
  return svgs;
}

}  // namespace ldarts
