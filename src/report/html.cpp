#include "ldarts/report/html.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <set>
#include <sstream>

#include "ldarts/core/encoding.h"
#include "ldarts/core/error.h"

#ifndef LDARTS_VERSION
#define LDARTS_VERSION "unknown"
#endif

namespace ldarts {
namespace {

const char* kStyle = R"(
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; max-width: 1500px;
       padding: 0 24px 48px; color: #222; background: #fafafa; }
h1 { font-size: 24px; margin: 20px 0 4px; } h2 { font-size: 19px; margin: 32px 0 8px; border-bottom: 1px solid #ddd; }
h3 { font-size: 15px; margin: 18px 0 6px; }
nav a { margin-right: 12px; } .muted { color: #777; }
table { border-collapse: collapse; background: #fff; margin: 6px 0; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; } td.genotype { font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all; max-width: 480px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 12px; }
.grid.small { grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 6px; }
figure { margin: 0; background: #fff; border: 1px solid #e3e3e3; border-radius: 4px; padding: 4px; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 13px; color: #333; padding: 2px 6px; }
.key span { margin-right: 14px; white-space: nowrap; }
pre { background: #fff; border: 1px solid #e3e3e3; padding: 8px; overflow-x: auto; font-size: 12px; }
pre.genotype { white-space: pre-wrap; word-break: break-all; }
.cells { background: #fff; border: 1px solid #e3e3e3; border-radius: 4px; padding: 8px; margin-bottom: 12px; }
.cells input { width: 320px; vertical-align: middle; } img.frame { display: block; max-width: 100%; height: auto; }
img.frame[hidden] { display: none; }
.warning { color: #a33; } .scroll { overflow-x: auto; }
)";

// Records script errors on the body (read by tests/report/screenshot.sh); set before anything else runs.
const char* kErrorScript = R"js(window.onerror = function (message, source, line) {
  var b = document.body, text = String(message) + " (line " + line + ")";
  b.dataset.jsErrors = b.dataset.jsErrors ? b.dataset.jsErrors + "; " + text : text;
};)js";

// Epoch sliders of the cell pictures (each epoch one <img class="frame">); then marks the page ready.
const char* kScript = R"js((function () {
  document.querySelectorAll(".cells").forEach(function (box) {
    var slider = box.querySelector("input[type=range]"), label = box.querySelector(".epoch-label");
    var frames = box.querySelectorAll(".frame");
    function show() {
      var k = Number(slider.value);
      frames.forEach(function (f, i) { f.hidden = i !== k; });
      label.textContent = "epoch " + frames[k].dataset.epoch + " (" + (k + 1) + " of " + frames.length + ")";
    }
    slider.addEventListener("input", show);
    show();
  });
  document.body.dataset.ready = "1";
})();)js";

// The Content-Security-Policy: nothing but inline styles, data: images and the
// page's own two scripts, named by their hashes, so that no script a run folder
// smuggles in (or a future bug lets through) can run.
std::string content_security_policy() {
  std::string policy = "default-src 'none'; style-src 'unsafe-inline'; script-src";
  for (const char* script : {kErrorScript, kScript}) policy += " 'sha256-" + base64(sha256(script)) + "'";
  return policy + "; img-src data:";
}

std::string number(double v, const char* format = "%.4g") {
  if (!std::isfinite(v)) return "";
  char buf[48];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

// JSON string literal (for data-* attributes; html_escape is applied on top).
std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (static_cast<unsigned char>(c) < 0x20) out += ' ';
    else out += c;
  }
  return out + "\"";
}

const std::vector<std::pair<std::string, std::string>> kSections = {
    {"search", "Search, per epoch"},       {"steps", "Search, per step"},
    {"diagnostics", "Diagnostics"},        {"alphas", "softmax(α) per edge"},
    {"train", "Evaluation training"}};

class Page {
 public:
  Page(const std::vector<RunData>& runs, const std::vector<RunGroup>& groups, const std::vector<Plot>& plots,
       const std::map<std::string, std::string>& svgs)
      : runs_(runs), groups_(groups), plots_(plots), svgs_(svgs) {}

  std::string render(const std::string& title) {
    out_ << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         // Offline by construction: the browser may load nothing but what is inline.
         << "<meta http-equiv=\"Content-Security-Policy\" content=\"" << content_security_policy() << "\">\n"
         << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         << "<meta name=\"generator\" content=\"ldarts " << LDARTS_VERSION << " report\">\n<title>"
         << html_escape(title) << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n<script>"
         << kErrorScript << "</script>\n<h1>" << html_escape(title) << "</h1>\n";
    const std::time_t now = std::time(nullptr);
    char when[64];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", std::localtime(&now));
    out_ << "<p class=\"muted\">" << runs_.size() << " run folder" << (runs_.size() == 1 ? "" : "s")
         << ", generated " << when << " by ldarts " << LDARTS_VERSION << ".</p>\n<nav><a href=\"#runs\">runs</a>";
    for (const auto& [id, heading] : kSections) {
      if (id == "train" && std::any_of(runs_.begin(), runs_.end(), [](const RunData& r) { return !r.pictures.empty(); }))
        out_ << "<a href=\"#cells\">cell pictures</a>";
      if (has_section(id)) out_ << "<a href=\"#" << id << "\">" << html_escape(heading) << "</a>";
    }
    out_ << "<a href=\"#genotypes\">genotypes</a><a href=\"#configs\">configurations</a></nav>\n";
    run_table();
    config_differences();
    for (const auto& [id, heading] : kSections) {
      if (id == "train") cell_pictures();  // the search's pictures close its part of the page
      if (has_section(id)) id == "alphas" ? alpha_section(heading) : plot_section(id, heading);
    }
    genotypes();
    configs();
    out_ << "<p class=\"muted\">Self-contained: every plot (gnuplot) is inline SVG, every cell picture (Graphviz) "
            "a data: image, and the page's Content-Security-Policy forbids loading anything from elsewhere and "
            "running any script but its own.</p>\n<script>"
         << kScript << "</script>\n</body>\n</html>\n";
    return out_.str();
  }

 private:
  bool drawn(const Plot& p) const { return svgs_.count(p.id) > 0; }
  bool has_section(const std::string& id) const {
    return std::any_of(plots_.begin(), plots_.end(), [&](const Plot& p) { return p.section == id && drawn(p); });
  }
  const RunGroup& group_of(size_t run) const {
    for (const RunGroup& g : groups_)
      if (std::find(g.members.begin(), g.members.end(), run) != g.members.end()) return g;
    return groups_.front();
  }

  void run_table() {
    out_ << "<h2 id=\"runs\">Runs</h2>\n<div class=\"scroll\"><table id=\"run-table\" data-runs='[";
    for (size_t r = 0; r < runs_.size(); ++r) out_ << (r ? ", " : "") << html_escape(json_string(runs_[r].name));
    out_ << "]'>\n<tr><th>run</th><th>folder</th><th>command</th><th>space / dataset</th><th>method</th><th>epochs</th>"
            "<th>group</th><th>final genotype</th><th>result</th><th>files</th></tr>\n";
    for (size_t r = 0; r < runs_.size(); ++r) {
      const RunData& run = runs_[r];
      const RunGroup& group = group_of(r);
      const size_t group_index = static_cast<size_t>(&group - groups_.data());
      const RunSummary summary = summarize(run);
      out_ << "<tr data-run=\"" << html_escape(run.name) << "\" data-command=\"" << html_escape(run.command)
           << "\"><td>" << (coloured_by_group(run.command) ? swatch(group_index) : "") << html_escape(run.name) << "</td><td>" << html_escape(run.dir) << "</td><td>"
           << html_escape(run.command) << "</td><td>" << html_escape(summary.where) << "</td><td>"
           << html_escape(summary.method) << "</td><td>" << html_escape(summary.epochs) << "</td><td>"
           << (group.members.size() > 1 ? html_escape(group.label) : "") << "</td><td class=\"genotype\">"
           << html_escape(summary.genotype) << "</td><td>" << html_escape(summary.result) << "</td><td>"
           << html_escape(join(run.found));
      if (!run.missing.empty()) out_ << "<br><span class=\"muted\">absent: " << html_escape(join(run.missing)) << "</span>";
      for (const std::string& w : run.warnings) out_ << "<br><span class=\"warning\">" << html_escape(w) << "</span>";
      out_ << "</td></tr>\n";
    }
    out_ << "</table></div>\n";
    for (size_t index = 0; index < groups_.size(); ++index) {
      const RunGroup& g = groups_[index];
      if (g.members.size() < 2) continue;
      std::string names;
      for (size_t m : g.members) names += (names.empty() ? "" : ", ") + runs_[m].name;
      out_ << "<p class=\"group\">" << (coloured_by_group(runs_[g.members.front()].command) ? swatch(index) : "")
           << "Group <b>" << html_escape(g.label) << "</b>: " << html_escape(names)
           << " (configurations equal but for " << html_escape(join(kGroupIgnoredKeys))
           << "). Plots draw its mean as a thick line with the 95% confidence band mean ± t<sub>0.975,n−1</sub>·s/√n "
              "(t<sub>0.975,"
           << g.members.size() - 1 << "</sub> = " << number(t_975(static_cast<int>(g.members.size()) - 1), "%.3f")
           << ") and each run as a thin line.</p>\n";
    }
  }

  // As in build_plots: runs get one colour per group when their command has several groups.
  bool coloured_by_group(const std::string& command) const {
    return std::count_if(groups_.begin(), groups_.end(),
                         [&](const RunGroup& g) { return runs_[g.members.front()].command == command; }) > 1;
  }
  static std::string swatch(size_t color) {
    return "<span class=\"swatch\" style=\"background:" + palette_color(static_cast<int>(color)) + "\"></span>";
  }

  static std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
    return out;
  }

  // Per command, the keys whose values are not the same in every run that has a config.toml.
  void config_differences() {
    for (const char* command : {"search", "train"}) {
      std::vector<const RunData*> with_config;
      for (const RunData& r : runs_)
        if (!r.config.empty() && r.command == command) with_config.push_back(&r);
      if (with_config.size() >= 2) config_differences(command, with_config);
    }
  }

  void config_differences(const std::string& command, const std::vector<const RunData*>& with_config) {
    std::vector<std::string> keys;
    for (const RunData* r : with_config)
      for (const auto& [key, value] : r->config)
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    std::vector<std::string> differing;
    for (const std::string& key : keys) {
      std::set<std::string> values;
      for (const RunData* r : with_config) {
        const auto it = std::find_if(r->config.begin(), r->config.end(), [&](const auto& kv) { return kv.first == key; });
        values.insert(it == r->config.end() ? "(absent)" : it->second);
      }
      if (values.size() > 1) differing.push_back(key);
    }
    out_ << "<h3>Configuration keys that differ between the " << command << " runs</h3>\n";
    if (differing.empty()) {
      out_ << "<p>None: the configurations are identical.</p>\n";
      return;
    }
    out_ << "<div class=\"scroll\"><table class=\"config-differences\" data-command=\"" << command
         << "\"><tr><th>key</th>";
    for (const RunData* r : with_config) out_ << "<th>" << html_escape(r->name) << "</th>";
    out_ << "</tr>\n";
    for (const std::string& key : differing) {
      out_ << "<tr><td>" << html_escape(key) << "</td>";
      for (const RunData* r : with_config) {
        const auto it = std::find_if(r->config.begin(), r->config.end(), [&](const auto& kv) { return kv.first == key; });
        out_ << "<td>" << (it == r->config.end() ? "<span class=\"muted\">(absent)</span>" : html_escape(it->second))
             << "</td>";
      }
      out_ << "</tr>\n";
    }
    out_ << "</table></div>\n";
  }

  void figure(const Plot& p) {
    const std::string id = html_id(p.id);
    out_ << "<figure class=\"plot\" id=\"plot-" << id << "\" data-plot=\"" << id << "\" data-series='{";
    for (size_t i = 0; i < p.series.size(); ++i)
      out_ << (i ? ", " : "") << html_escape(json_string(p.series[i].name)) << ": " << p.series[i].x.size();
    std::string svg = inline_svg(svgs_.at(p.id), id);
    const std::string generic = "<title>Gnuplot</title>";  // the hover text of the picture
    if (svg.find(generic) != std::string::npos) svg.replace(svg.find(generic), generic.size(), "<title>" + html_escape(p.title) + "</title>");
    out_ << "}'>\n";
    if (!p.small) out_ << "<figcaption>" << html_escape(p.title) << "</figcaption>\n";
    out_ << svg << "\n</figure>\n";
  }

  void plot_section(const std::string& id, const std::string& heading) {
    out_ << "<h2 id=\"" << id << "\">" << html_escape(heading) << "</h2>\n<div class=\"grid\">\n";
    for (const Plot& p : plots_)
      if (p.section == id && drawn(p)) figure(p);
    out_ << "</div>\n";
  }

  // Per run and cell type: a colour key of the ops, then one small plot per edge.
  void alpha_section(const std::string& heading) {
    out_ << "<h2 id=\"alphas\">" << html_escape(heading) << "</h2>\n";
    std::string run, cell;
    bool open = false;
    for (const Plot& p : plots_) {
      if (p.section != "alphas" || !drawn(p)) continue;
      const std::string type = p.title.substr(0, p.title.find(' '));
      if (p.run != run || type != cell) {
        if (open) out_ << "</div>\n";
        run = p.run, cell = type;
        out_ << "<h3>" << html_escape(run) << ": " << html_escape(cell == "cell" ? cell : cell + " cell") << "</h3>\n<p class=\"key\">";
        for (const Series& s : p.series)
          out_ << "<span><span class=\"swatch\" style=\"background:" << palette_color(s.color) << "\"></span>"
               << html_escape(s.name) << "</span>";
        out_ << "</p>\n<div class=\"grid small\" data-run=\"" << html_escape(run) << "\" data-cell=\""
             << html_escape(cell) << "\">\n";
        open = true;
      }
      figure(p);
    }
    if (open) out_ << "</div>\n";
  }

  void cell_pictures() {
    if (std::none_of(runs_.begin(), runs_.end(), [](const RunData& r) { return !r.pictures.empty(); })) return;
    out_ << "<h2 id=\"cells\">Cell pictures</h2>\n";
    for (size_t r = 0; r < runs_.size(); ++r) {
      const std::vector<CellPicture>& pictures = runs_[r].pictures;
      for (size_t begin = 0; begin < pictures.size();) {
        size_t end = begin;
        while (end < pictures.size() && pictures[end].cell == pictures[begin].cell) ++end;
        const std::string cell = html_escape(pictures[begin].cell);
        out_ << "<div class=\"cells\" data-run=\"" << html_escape(runs_[r].name) << "\" data-cell=\""
             << html_id(pictures[begin].cell) << "\">\n<h3>" << html_escape(runs_[r].name) << ": " << cell
             << " cell</h3>\n<input type=\"range\" min=\"0\" max=\"" << end - begin - 1 << "\" value=\""
             << end - begin - 1 << "\" aria-label=\"epoch\"> <span class=\"epoch-label\">epoch "
             << pictures[end - 1].epoch << "</span>\n";
        // An <img>, never inline: a picture from a run folder may come from anyone, and an
        // SVG shown as an image runs no script and loads nothing.
        for (size_t i = begin; i < end; ++i)
          out_ << "<img class=\"frame\" data-epoch=\"" << pictures[i].epoch << "\"" << (i + 1 == end ? "" : " hidden")
               << " alt=\"" << html_escape(runs_[r].name) << ": " << cell << " cell, epoch " << pictures[i].epoch
               << "\" src=\"data:image/svg+xml;base64," << base64(pictures[i].svg) << "\">\n";
        out_ << "</div>\n";
        begin = end;
      }
    }
  }

  void genotypes() {
    out_ << "<h2 id=\"genotypes\">Final genotypes</h2>\n";
    for (const RunData& run : runs_) {
      out_ << "<h3>" << html_escape(run.name) << "</h3>\n";
      if (run.genotype.empty()) out_ << "<p class=\"muted\">no genotype.json / genotype.txt</p>\n";
      else out_ << "<pre class=\"genotype\">" << html_escape(run.genotype) << "</pre>\n";
      if (run.test.is_object()) {
        out_ << "<table class=\"test\"><tr><th colspan=\"2\">test.json</th></tr>\n";
        for (const std::string& key : run.test.keys)
          out_ << "<tr><td>" << html_escape(key) << "</td><td>" << html_escape(run.test[key].text()) << "</td></tr>\n";
        out_ << "</table>\n";
      }
    }
  }

  void configs() {
    out_ << "<h2 id=\"configs\">Configurations</h2>\n";
    for (const RunData& run : runs_) {
      out_ << "<details><summary>" << html_escape(run.name) << ": config.toml";
      if (run.info.is_object()) out_ << " and run.json";
      out_ << "</summary>\n";
      if (run.info.is_object()) {
        out_ << "<table class=\"run-info\">";
        for (const std::string& key : run.info.keys)
          out_ << "<tr><td>" << html_escape(key) << "</td><td>" << html_escape(run.info[key].text()) << "</td></tr>";
        out_ << "</table>\n";
      }
      out_ << "<pre>" << html_escape(run.config_text.empty() ? "(no config.toml)" : run.config_text)
           << "</pre></details>\n";
    }
  }

  const std::vector<RunData>& runs_;
  const std::vector<RunGroup>& groups_;
  const std::vector<Plot>& plots_;
  const std::map<std::string, std::string>& svgs_;
  std::ostringstream out_;
};


}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string html_id(const std::string& text) {
  std::string out = text;
  for (char& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
  return out;
}

std::string inline_svg(const std::string& svg, const std::string& prefix) {
  const size_t start = svg.find("<svg");
  LDARTS_CHECK(start != std::string::npos, "not an SVG picture (no <svg> element)");
  const std::string text = svg.substr(start);
  std::string out;
  out.reserve(text.size() + 256);
  const std::string p = prefix + "-";
  for (size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    const bool id_attribute = text.compare(i, 4, " id=") == 0 || text.compare(i, 4, "\nid=") == 0 ||
                              text.compare(i, 4, "\tid=") == 0;
    if (id_attribute && i + 4 < text.size() && (text[i + 4] == '"' || text[i + 4] == '\'')) {
      out += text.substr(i + 1, 4) + p;  // id="  then the prefix
      i += 4;
    } else if (text.compare(i, 5, "url(#") == 0) {
      out += "rl(#" + p;
      i += 4;
    } else if (text.compare(i, 7, "href=\"#") == 0 || text.compare(i, 7, "href='#") == 0) {
      out += text.substr(i + 1, 6) + p;
      i += 6;
    }
  }
  return out;
}

std::string render_html(const std::vector<RunData>& runs, const std::vector<RunGroup>& groups,
                        const std::vector<Plot>& plots, const std::map<std::string, std::string>& svgs,
                        const std::string& title) {
  return Page(runs, groups, plots, svgs).render(title);
}

}  // namespace ldarts
