#include "ldarts/report/run_data.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "ldarts/core/error.h"
#include "ldarts/core/files.h"

namespace ldarts {
namespace {

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r\n"), b = s.find_last_not_of(" \t\r\n");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

std::string read_text(const std::string& path) {
  const std::vector<unsigned char> bytes = read_file_bytes(path);
  return std::string(bytes.begin(), bytes.end());
}


void read_space(RunData& run, const Json& space) {
  run.space_name = space["space"].text();
  for (const Json& type : space["cell_types"].array) {
    SpaceCellType cell{type["name"].text(), {}};
    std::vector<SpaceEdge> edges;
    for (const Json& edge : type["edges"].array) {
      edges.push_back({static_cast<int>(edge["from"].number), static_cast<int>(edge["to"].number)});
      std::vector<std::string> ops;
      for (const Json& op : edge["ops"].array) ops.push_back(op.text());
      cell.edge_ops.push_back(ops);
    }
    if (run.edges.empty()) run.edges = edges;
    run.cell_types.push_back(cell);
  }
}

void read_alphas(RunData& run, const std::string& text, const std::string& source) {
  size_t start = 0;
  int line_number = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = trim(text.substr(start, end - start));
    start = end + 1;
    ++line_number;
    if (line.empty()) continue;
    Json j;
    try {
      j = parse_json(line, source + " line " + std::to_string(line_number));
    } catch (const Error& e) {
      run.warnings.push_back(std::string(e.what()) + " (line skipped)");
      continue;
    }
    AlphaHistory& a = run.alphas;
    a.epochs.push_back(j.has("epoch") ? j["epoch"].number : static_cast<double>(a.epochs.size()));
    for (const std::string& key : j.keys) {
      if (key == "epoch" || !j[key].is_array()) continue;
      if (!a.probabilities.count(key)) a.cell_types.push_back(key);
      std::vector<std::vector<double>> rows;
      for (const Json& edge : j[key].array) {
        std::vector<double> p;
        for (const Json& v : edge.array) p.push_back(v.is_number() ? v.number : std::nan(""));
        rows.push_back(p);
      }
      auto& history = a.probabilities[key];
      history.resize(a.epochs.size() - 1);  // a cell type absent from earlier lines: empty there
      history.push_back(rows);
    }
  }
  for (auto& [type, history] : run.alphas.probabilities) history.resize(run.alphas.epochs.size());
}

// cells/epoch-NNN-<cell>.svg
void read_pictures(RunData& run) {
  const std::string folder = run.dir + "/cells";
  if (!is_directory(folder)) return;
  for (const std::string& name : list_dir(folder, false)) {
    const std::string prefix = "epoch-", suffix = ".svg";
    if (name.size() <= prefix.size() + suffix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    const size_t dash = name.find('-', prefix.size());
    if (dash == std::string::npos) continue;
    const std::string digits = name.substr(prefix.size(), dash - prefix.size());
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    CellPicture picture;
    picture.epoch = std::atoi(digits.c_str());
    picture.cell = name.substr(dash + 1, name.size() - suffix.size() - dash - 1);
    try {
      picture.svg = read_text(folder + "/" + name);
    } catch (const Error& e) {
      run.warnings.push_back(e.what());
      continue;
    }
    run.pictures.push_back(picture);
  }
  std::stable_sort(run.pictures.begin(), run.pictures.end(), [](const CellPicture& a, const CellPicture& b) {
    return a.cell != b.cell ? a.cell < b.cell : a.epoch < b.epoch;
  });
}

std::string base_name(const std::string& dir) {
  char resolved[PATH_MAX];
  std::string path = ::realpath(dir.c_str(), resolved) ? std::string(resolved) : dir;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string parent_name(const std::string& dir) {
  char resolved[PATH_MAX];
  std::string path = ::realpath(dir.c_str(), resolved) ? std::string(resolved) : dir;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  const size_t slash = path.rfind('/');
  return slash == std::string::npos || slash == 0 ? "" : base_name(path.substr(0, slash));
}

std::string number(double v, const char* format) {
  if (!std::isfinite(v)) return "";
  char buf[48];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

double last_finite(const Table& t, const std::string& column) {
  const std::vector<double> v = t.numbers(column);
  for (auto it = v.rbegin(); it != v.rend(); ++it)
    if (std::isfinite(*it)) return *it;
  return std::nan("");
}

std::string method_of(const RunData& run) {
  if (!run.is_search()) return "evaluation training";
  const std::string regularizer = run.config_value("regularizer");
  if (regularizer.empty()) return "";
  if (regularizer == "none") return "DARTS (first order)";
  std::string method = std::string("Λ-DARTS, ") + (regularizer == "signcorr" ? "Λ±" : "Λ");
  if (!run.config_value("lambda").empty()) method += ", λ=" + run.config_value("lambda");
  if (!run.config_value("fd-mode").empty()) method += ", " + run.config_value("fd-mode");
  if (run.config_value("lambda-target") == "outer") method += ", outer";
  return method;
}

std::string result_of(const RunData& run) {
  if (run.is_search()) {
    const double c10 = last_finite(run.metrics, "cifar10_test"), c100 = last_finite(run.metrics, "cifar100_test"),
                 in16 = last_finite(run.metrics, "imagenet16_test");
    const double valid = last_finite(run.metrics, "cifar10_valid");
    const bool disconnected = run.metrics.has("connected") && last_finite(run.metrics, "connected") == 0;
    if (!std::isfinite(c10)) return disconnected ? "cell DISCONNECTED" : "";
    return std::string(disconnected ? "cell DISCONNECTED; " : "") + "NB201: CIFAR-10 " +
           (std::isfinite(valid) ? "valid " + number(valid, "%.2f") + " / test " : "test ") + number(c10, "%.2f") +
           ", CIFAR-100 test " + number(c100, "%.2f") + ", ImageNet16-120 test " + number(in16, "%.2f");
  }
  if (run.test["top1"].is_number())
    return "test top-1 " + number(run.test["top1"].number, "%.2f") + "% (top-5 " +
           number(run.test["top5"].number, "%.2f") + "%)";
  const double valid = last_finite(run.metrics, "valid_top1");
  return std::isfinite(valid) ? "valid top-1 " + number(valid, "%.2f") + "% (no test.json)" : "";
}

std::string epochs_of(const RunData& run) {
  const std::string rows = std::to_string(run.metrics.rows.size()), planned = run.config_value("epochs");
  return planned.empty() || planned == rows ? rows : rows + " of " + planned;
}

}  // namespace

// config.toml: `key = value` lines as the runs write them (and the presets:
// comments, quoted strings). Sections are not used by ldarts and are ignored.
std::vector<std::pair<std::string, std::string>> parse_config(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> entries;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = trim(text.substr(start, end - start));
    start = end + 1;
    const size_t eq = line.find('=');
    if (line.empty() || line[0] == '#' || line[0] == '[' || eq == std::string::npos) continue;
    const std::string key = trim(line.substr(0, eq));
    std::string value = trim(line.substr(eq + 1));
    if (!value.empty() && value[0] == '"') {
      std::string unquoted;
      for (size_t i = 1; i < value.size() && value[i] != '"'; ++i) {
        if (value[i] == '\\' && i + 1 < value.size()) ++i;
        unquoted += value[i];
      }
      value = unquoted;
    } else {
      value = trim(value.substr(0, value.find('#')));
    }
    entries.push_back({key, value});
  }
  return entries;
}

bool Table::has(const std::string& column) const {
  return std::find(columns.begin(), columns.end(), column) != columns.end();
}

std::vector<std::string> Table::strings(const std::string& column) const {
  const auto it = std::find(columns.begin(), columns.end(), column);
  std::vector<std::string> out(rows.size());
  if (it == columns.end()) return out;
  const size_t c = static_cast<size_t>(it - columns.begin());
  for (size_t r = 0; r < rows.size(); ++r) out[r] = rows[r][c];
  return out;
}

std::vector<double> Table::numbers(const std::string& column) const {
  std::vector<double> out;
  for (const std::string& field : strings(column)) {
    const std::string s = trim(field);
    char* end = nullptr;
    const double v = s.empty() ? 0 : std::strtod(s.c_str(), &end);
    out.push_back(!s.empty() && end == s.c_str() + s.size() ? v : std::nan(""));
  }
  return out;
}

Table parse_csv(const std::string& text, const std::string& source, std::vector<std::string>* warnings) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') {
      quoted = true, any = true;
    } else if (c == ',') {
      record.push_back(field), field.clear(), any = true;
    } else if (c == '\n') {
      if (!field.empty() && field.back() == '\r') field.pop_back();
      record.push_back(field), field.clear();
      if (any || record.size() > 1 || !record[0].empty()) records.push_back(record);
      record.clear(), any = false;
    } else {
      field += c, any = true;
    }
  }
  if (quoted) {
    if (warnings) warnings->push_back(source + ": the last row has an unclosed quote (dropped)");
  } else if (any || !field.empty()) {
    record.push_back(field);
    records.push_back(record);
  }
  Table table;
  if (records.empty()) return table;
  table.columns = records.front();
  for (std::string& c : table.columns) c = trim(c);
  for (size_t r = 1; r < records.size(); ++r) {
    std::vector<std::string>& row = records[r];
    if (row.size() > table.columns.size() && warnings)
      warnings->push_back(source + ": row " + std::to_string(r) + " has " + std::to_string(row.size()) +
                          " fields, the header " + std::to_string(table.columns.size()) + " (extra fields ignored)");
    row.resize(table.columns.size());
    table.rows.push_back(row);
  }
  return table;
}

std::string RunData::config_value(const std::string& key) const {
  for (const auto& [k, v] : config)
    if (k == key) return v;
  return "";
}

RunData read_run(const std::string& dir) {
  LDARTS_CHECK(is_directory(dir), dir, ": no such folder (give the --out folder of an `ldarts search` or `ldarts train` run)");
  RunData run;
  run.dir = dir;
  // Reads `name` when it exists; a problem with it becomes a warning.
  auto with_file = [&](const std::string& name, auto&& use) {
    const std::string path = dir + "/" + name;
    if (!file_exists(path)) return run.missing.push_back(name);
    try {
      use(read_text(path), path);
      run.found.push_back(name);
    } catch (const Error& e) {
      run.warnings.push_back(std::string(e.what()) + " (file skipped)");
    }
  };
  with_file("run.json", [&](const std::string& t, const std::string& p) { run.info = parse_json(t, p); });
  with_file("config.toml", [&](const std::string& t, const std::string&) {
    run.config_text = t;
    run.config = parse_config(t);
  });
  with_file("metrics.csv", [&](const std::string& t, const std::string& p) { run.metrics = parse_csv(t, p, &run.warnings); });
  with_file("steps.csv", [&](const std::string& t, const std::string& p) { run.steps = parse_csv(t, p, &run.warnings); });
  with_file("diagnostics.csv",
            [&](const std::string& t, const std::string& p) { run.diagnostics = parse_csv(t, p, &run.warnings); });
  with_file("space.json", [&](const std::string& t, const std::string& p) { read_space(run, parse_json(t, p)); });
  with_file("alphas.jsonl", [&](const std::string& t, const std::string& p) { read_alphas(run, t, p); });
  with_file("genotype.json", [&](const std::string& t, const std::string&) { run.genotype = t; });
  with_file("genotype.txt", [&](const std::string& t, const std::string&) { run.genotype = t; });
  with_file("test.json", [&](const std::string& t, const std::string& p) {
    run.test = parse_json(t, p);
    // A test.json left by another run of this folder is an error, never a result of this one.
    const Json &theirs = run.test["run_id"], &ours = run.info["run_id"];
    LDARTS_CHECK(!theirs.is_string() || !ours.is_string() || theirs.string == ours.string, p, ": written by run ",
                 theirs.string, ", but ", dir, "/run.json is of run ", ours.string,
                 " (a result of an earlier run in this folder: remove test.json, or rerun `ldarts train` there)");
  });
  read_pictures(run);
  if (!run.pictures.empty()) run.found.push_back("cells/*.svg");
  LDARTS_CHECK(!run.found.empty(), dir,
               ": not a run folder: none of run.json, config.toml, metrics.csv, steps.csv, diagnostics.csv, "
               "space.json, alphas.jsonl, genotype.json, genotype.txt, test.json or cells/*.svg is there (give the "
               "--out folder of an `ldarts search` or `ldarts train` run)");

  // Older folders have no run.json: a search leaves α, a training a test set result.
  run.command = run.info["command"].text();
  if (run.command.empty()) {
    const bool trained = file_exists(dir + "/genotype.txt") || file_exists(dir + "/test.json") ||
                         run.metrics.has("train_top1");
    run.command = trained && !file_exists(dir + "/alphas.jsonl") ? "train" : "search";
  }
  if (run.space_name.empty()) run.space_name = run.config_value("space");
  // Only what this kind of run writes counts as missing.
  const std::vector<std::string> other = run.is_search() ? std::vector<std::string>{"genotype.txt", "test.json"}
                                                         : std::vector<std::string>{"steps.csv", "diagnostics.csv",
                                                                                    "space.json", "alphas.jsonl", "genotype.json"};
  run.missing.erase(std::remove_if(run.missing.begin(), run.missing.end(),
                                   [&](const std::string& f) { return std::count(other.begin(), other.end(), f) > 0; }),
                    run.missing.end());
  return run;
}

void name_runs(std::vector<RunData>& runs) {
  std::map<std::string, int> count;
  for (RunData& r : runs) ++count[r.name = base_name(r.dir)];
  for (RunData& r : runs)
    if (count[r.name] > 1 && !parent_name(r.dir).empty()) r.name = parent_name(r.dir) + "/" + r.name;
  std::map<std::string, int> seen;
  count.clear();
  for (RunData& r : runs) ++count[r.name];
  for (RunData& r : runs)
    if (count[r.name] > 1 && seen[r.name]++ > 0) r.name += "#" + std::to_string(seen[r.name]);
}

std::string final_genotype(const RunData& run) {
  const std::vector<std::string> per_epoch = run.metrics.strings("genotype");
  for (auto it = per_epoch.rbegin(); it != per_epoch.rend(); ++it)
    if (!trim(*it).empty()) return trim(*it);
  if (run.genotype.empty()) return "";
  try {
    const Json j = parse_json(run.genotype, "genotype");
    if (j.has("nb201")) return j["nb201"].text();
  } catch (const Error&) {  // genotype.txt: plain text
  }
  std::string one_line;
  for (char c : trim(run.genotype)) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (!(c == ' ' && !one_line.empty() && one_line.back() == ' ')) one_line += c;
  }
  return one_line;
}

RunSummary summarize(const RunData& run) {
  RunSummary s;
  const std::string where = run.is_search() ? run.space_name : run.config_value("network");
  const std::string dataset = run.config_value("dataset");
  s.where = where + (where.empty() || dataset.empty() ? "" : " / ") + dataset;
  s.method = method_of(run);
  s.epochs = epochs_of(run);
  s.genotype = final_genotype(run);
  s.result = result_of(run);
  return s;
}

}  // namespace ldarts
