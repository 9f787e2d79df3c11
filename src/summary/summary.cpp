#include "ldarts/summary/summary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include "ldarts/core/error.h"
#include "ldarts/report/plots.h"
#include "ldarts/search/cell_health.h"

namespace ldarts {
namespace {

const double kNaN = std::nan("");

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
  return out;
}

// ---- Values of one run ---------------------------------------------------------

double last_row(const Table& table, const std::string& column) {
  return table.rows.empty() ? kNaN : table.numbers(column).back();
}

// The sum of the column; NaN when it is absent or any row lacks it (a partial sum would understate).
double column_sum(const Table& table, const std::string& column) {
  if (table.rows.empty() || !table.has(column)) return kNaN;
  double sum = 0;
  for (double v : table.numbers(column)) sum += v;
  return sum;
}

// The last row's `connected` / `parameter_free_ops` (prefix "best_": of the best genotype); runs written
// before ldarts wrote them: derived from the row's genotype text. NaN without a readable genotype.
double cell_value(const Table& metrics, const std::string& prefix, bool connected) {
  const std::string column = prefix + (connected ? "connected" : "parameter_free_ops");
  if (metrics.has(column)) return last_row(metrics, column);
  if (metrics.rows.empty() || !metrics.has(prefix + "genotype")) return kNaN;
  const std::string text = metrics.strings(prefix + "genotype").back();
  if (text.empty()) return kNaN;
  try {
    const CellHealth health = check_cell(parse_genotype(text, "metrics.csv"));
    return connected ? (health.connected ? 1.0 : 0.0) : double(health.parameter_free);
  } catch (const std::exception&) {
    return kNaN;
  }
}

double json_number(const Json& object, const std::string& key) {
  return object[key].is_number() ? object[key].number : kNaN;
}

// The epochs metrics.csv has: its last `epoch` + 1 (0-based), else its rows.
double epochs_logged(const Table& metrics) {
  if (metrics.rows.empty()) return kNaN;
  const double last = last_row(metrics, "epoch");
  return std::isfinite(last) ? last + 1 : static_cast<double>(metrics.rows.size());
}

// Σ seconds × world size / 3600: the device time the run used (run.json has the world size).
double device_hours(const RunData& run) {
  const double world_size = json_number(run.info, "world_size");
  return world_size > 0 ? column_sum(run.metrics, "seconds") * world_size / 3600 : kNaN;
}

// ---- Grouping --------------------------------------------------------------------

bool as_number(const std::string& s, double& value) {
  if (s.empty()) return false;
  char* end = nullptr;
  value = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(value);
}

// Numbers before text; numbers by value (so "0.1" and "1e-1" are one value), text by bytes.
bool value_less(const std::string& a, const std::string& b) {
  double x = 0, y = 0;
  const bool a_number = as_number(a, x), b_number = as_number(b, y);
  if (a_number != b_number) return a_number;
  return a_number ? x < y : a < b;
}

struct GroupKey {
  std::string command;  // "search" sorts before "train"
  std::vector<std::string> values;
  bool operator<(const GroupKey& other) const {
    if (command != other.command) return command < other.command;
    return std::lexicographical_compare(values.begin(), values.end(), other.values.begin(), other.values.end(),
                                        value_less);
  }
};

std::vector<std::string> config_keys(const RunData& run) {
  std::vector<std::string> keys;
  for (const auto& entry : run.config) keys.push_back(entry.first);
  return keys;
}

bool has_key(const RunData& run, const std::string& key) {
  const std::vector<std::string> keys = config_keys(run);
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// The run's value of a grouping key; a training of a sweep pipeline that lacks the key has its
// search's value (search.<key>, read_runs), so `--by regularizer` groups trainings as their searches.
std::string group_value(const RunData& run, const std::string& key) {
  if (run.command == "train" && !has_key(run, key) && has_key(run, "search." + key))
    return run.config_value("search." + key);
  return run.config_value(key);
}

bool has_any_result(const std::vector<double>& values) {
  return std::any_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
}

// ---- Output helpers --------------------------------------------------------------

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string full_precision(double v) {
  if (!std::isfinite(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// "93.76 ± 0.12 [±0.19]"; the mean alone when n = 1; "(n=k)" when some members lack the value;
// a share column: "k/n".
std::string markdown_cell(const GroupResult& r, const ResultColumn& column, size_t group_size) {
  if (r.n == 0) return "";
  std::string cell;
  if (column.share) {
    cell = std::to_string(std::lround(r.mean * r.n)) + "/" + std::to_string(r.n);
  } else {
    cell = fixed(r.mean, column.decimals);
    if (r.n > 1) cell += " ± " + fixed(r.std, column.decimals) + " [±" + fixed(r.ci95, column.decimals) + "]";
  }
  if (static_cast<size_t>(r.n) < group_size) cell += " (n=" + std::to_string(r.n) + ")";
  return cell;
}

// A key's value as the table shows it: "(none)" where config.toml lacks the key or leaves it empty.
std::string shown_value(const std::string& value) { return value.empty() ? "(none)" : value; }

std::string markdown_escape(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string group_label(const GroupSummary& g) {
  std::vector<std::string> parts;
  for (size_t k = 0; k < g.keys.size(); ++k) parts.push_back(g.keys[k] + "=" + shown_value(g.values[k]));
  return parts.empty() ? "all " + g.command + " runs" : join(parts, ", ");
}

// The seeds in numeric order, with a warning for one that repeats (the same run given twice?).
std::string seeds_text(const GroupSummary& g) {
  std::vector<std::string> seeds = g.seeds;
  std::stable_sort(seeds.begin(), seeds.end(), value_less);
  std::string text = "seed" + std::string(seeds.size() > 1 ? "s " : " ");
  for (size_t i = 0; i < seeds.size(); ++i) text += (i ? ", " : "") + (seeds[i].empty() ? "?" : seeds[i]);
  for (size_t i = 1; i < seeds.size(); ++i)
    if (!seeds[i].empty() && seeds[i] == seeds[i - 1]) return text + " (seed " + seeds[i] + " repeats)";
  return text;
}

}  // namespace

// ---- Results ---------------------------------------------------------------------

const std::vector<ResultColumn>& result_columns(const std::string& command) {
  static const std::vector<ResultColumn> search = {
      {"cifar10_valid", "CIFAR-10 valid", 2},
      {"cifar10_test", "CIFAR-10", 2},
      {"cifar100_test", "CIFAR-100", 2},
      {"imagenet16_test", "ImageNet16-120", 2},
      {"connected", "connected", 0, true},
      {"parameter_free_ops", "param-free ops", 2},
      {"best_cifar10_valid", "best: CIFAR-10 valid", 2},
      {"best_cifar10_test", "best: CIFAR-10", 2},
      {"best_cifar100_test", "best: CIFAR-100", 2},
      {"best_imagenet16_test", "best: ImageNet16-120", 2},
      {"best_connected", "best: connected", 0, true},
      {"best_parameter_free_ops", "best: param-free ops", 2},
      {"valid_acc", "supernet valid acc", 2},
      {"epochs", "epochs", 1},
      {"device_hours", "device-h", 3},
  };
  static const std::vector<ResultColumn> train = {
      {"test_top1", "test top-1", 2},
      {"test_top5", "test top-5", 2},
      {"test_error", "test error", 2},
      {"params_m", "params (M)", 2},
      {"parameter_free_ops", "param-free ops", 2},
      {"connected", "connected", 0, true},
      {"epochs", "epochs", 1},
      {"device_hours", "device-h", 3},
  };
  LDARTS_CHECK(command == "search" || command == "train", "summarize: unknown command '", command,
               "' (search or train)");
  return command == "search" ? search : train;
}

std::vector<double> run_results(const RunData& run) {
  if (run.is_search()) {
    const Table& m = run.metrics;
    return {last_row(m, "cifar10_valid"),
            last_row(m, "cifar10_test"),
            last_row(m, "cifar100_test"),
            last_row(m, "imagenet16_test"),
            cell_value(m, "", true),
            cell_value(m, "", false),
            last_row(m, "best_cifar10_valid"),
            last_row(m, "best_cifar10_test"),
            last_row(m, "best_cifar100_test"),
            last_row(m, "best_imagenet16_test"),
            cell_value(m, "best_", true),
            cell_value(m, "best_", false),
            last_row(m, "valid_acc"),
            epochs_logged(m),
            device_hours(run)};
  }
  const double top1 = json_number(run.test, "top1"), parameters = json_number(run.test, "parameters");
  const double epochs = run.test["epochs"].is_number() ? run.test["epochs"].number : epochs_logged(run.metrics);
  return {top1,
          json_number(run.test, "top5"),
          100 - top1,  // NaN stays NaN
          parameters / 1e6,
          json_number(run.test, "parameter_free_ops"),
          run.test["connected"].kind == Json::Kind::boolean ? (run.test["connected"].boolean ? 1.0 : 0.0) : kNaN,
          epochs,
          device_hours(run)};
}

GroupResult describe(const std::string& name, const std::vector<double>& values) {
  GroupResult r;
  r.name = name;
  std::vector<double> finite;
  for (double v : values)
    if (std::isfinite(v)) finite.push_back(v);
  r.n = static_cast<int>(finite.size());
  r.mean = r.std = r.ci95 = kNaN;
  if (finite.empty()) return r;
  r.mean = 0;
  for (double v : finite) r.mean += v;
  r.mean /= r.n;
  if (r.n < 2) return r;
  double squares = 0;
  for (double v : finite) squares += (v - r.mean) * (v - r.mean);
  r.std = std::sqrt(squares / (r.n - 1));
  r.ci95 = t_975(r.n - 1) * r.std / std::sqrt(static_cast<double>(r.n));
  return r;
}

// ---- Grouping --------------------------------------------------------------------

const std::vector<std::string> kSummaryIgnoredKeys = {"seed", "out", "resume", "threads", "log-every", "device"};

namespace {

// The keys whose values differ between runs[i] for i in `members` (see default_group_keys).
std::vector<std::string> differing_keys(const std::vector<RunData>& runs, const std::vector<size_t>& members) {
  std::vector<std::string> keys;  // every key of these runs, in order of first appearance
  for (size_t i : members)
    for (const auto& entry : runs[i].config)
      if (std::find(keys.begin(), keys.end(), entry.first) == keys.end()) keys.push_back(entry.first);
  std::vector<std::string> differing;
  for (const std::string& key : keys) {
    // search.<key>: the settings of the search whose genotype a training run trained (read_runs).
    const std::string own = key.rfind("search.", 0) == 0 ? key.substr(7) : key;
    if (std::count(kSummaryIgnoredKeys.begin(), kSummaryIgnoredKeys.end(), own) || key == "genotype") continue;
    std::set<std::string, bool (*)(const std::string&, const std::string&)> values(value_less);
    for (size_t i : members) values.insert(runs[i].config_value(key));
    if (values.size() > 1) differing.push_back(key);
  }
  return differing;
}

std::vector<size_t> runs_of(const std::vector<RunData>& runs, const std::vector<size_t>& among, const std::string& command) {
  std::vector<size_t> out;
  for (size_t i : among)
    if (runs[i].command == command) out.push_back(i);
  return out;
}

}  // namespace

std::vector<std::string> default_group_keys(const std::vector<RunData>& runs, const std::string& command) {
  std::vector<size_t> all(runs.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  return differing_keys(runs, runs_of(runs, all, command));
}

std::vector<GroupSummary> summarize(const std::vector<RunData>& runs, const std::vector<std::string>& by,
                                    std::vector<std::string>* skipped) {
  LDARTS_CHECK(!runs.empty(), "summarize: no runs");
  for (const std::string& key : by) {
    const bool known = std::any_of(runs.begin(), runs.end(), [&](const RunData& r) { return has_key(r, key); });
    LDARTS_CHECK(known, "--by ", key, ": no run's config.toml has this key (", runs.front().dir,
                 "/config.toml has: ", join(config_keys(runs.front()), ", "), ")");
  }

  // Runs without any result (not one epoch done) are left out, before they could split a group.
  std::vector<size_t> kept;
  std::vector<std::string> left_out;
  for (size_t i = 0; i < runs.size(); ++i) {
    const RunData& run = runs[i];
    if (run.command != "search" && run.command != "train")
      left_out.push_back(run.dir + ": run.json names the command '" + run.command + "' (summarize reads search and train runs)");
    else if (!has_any_result(run_results(run)))
      left_out.push_back(run.dir + ": no result yet (" +
                         (run.is_search() ? "metrics.csv has no row" : "no test.json and metrics.csv has no row") + ")");
    else
      kept.push_back(i);
  }
  LDARTS_CHECK(!kept.empty(), "no run has a result yet: ", join(left_out, "; "));
  if (skipped) skipped->insert(skipped->end(), left_out.begin(), left_out.end());

  std::map<std::string, std::vector<std::string>> keys_of;  // command -> grouping keys
  for (const char* command : {"search", "train"})
    keys_of[command] = by.empty() ? differing_keys(runs, runs_of(runs, kept, command)) : by;
  struct Members {
    std::vector<std::string> values;  // as the first member writes them
    std::vector<size_t> runs;
  };
  std::map<GroupKey, Members> groups;
  for (size_t i : kept) {
    GroupKey key{runs[i].command, {}};
    for (const std::string& k : keys_of[key.command]) key.values.push_back(group_value(runs[i], k));
    Members& members = groups[key];
    if (members.runs.empty()) members.values = key.values;
    members.runs.push_back(i);
  }

  std::vector<GroupSummary> out;
  for (const auto& [key, members] : groups) {
    GroupSummary g;
    g.command = key.command;
    g.keys = keys_of[key.command];
    g.values = members.values;
    std::vector<std::vector<double>> per_run;  // [member][result]
    for (size_t i : members.runs) {
      g.runs.push_back(runs[i].name.empty() ? runs[i].dir : runs[i].name);
      // A pipeline's training: the seed of the search that found its genotype.
      const std::string search_seed = runs[i].config_value("search.seed");
      g.seeds.push_back(search_seed.empty() ? runs[i].config_value("seed") : search_seed);
      per_run.push_back(run_results(runs[i]));
    }
    const std::vector<ResultColumn>& columns = result_columns(key.command);
    for (size_t c = 0; c < columns.size(); ++c) {
      std::vector<double> values;
      for (const std::vector<double>& r : per_run) values.push_back(r[c]);
      g.results.push_back(describe(columns[c].name, values));
    }
    out.push_back(std::move(g));
  }
  return out;
}

// ---- Output ----------------------------------------------------------------------

std::string to_markdown(const std::vector<GroupSummary>& groups, const std::vector<std::string>& skipped) {
  std::string md;
  for (const char* command : {"search", "train"}) {
    std::vector<const GroupSummary*> table;
    for (const GroupSummary& g : groups)
      if (g.command == command) table.push_back(&g);
    if (table.empty()) continue;
    const std::vector<ResultColumn>& columns = result_columns(command);
    std::vector<size_t> shown;  // result columns some group has
    for (size_t c = 0; c < columns.size(); ++c)
      if (std::any_of(table.begin(), table.end(), [&](const GroupSummary* g) { return g->results[c].n > 0; }))
        shown.push_back(c);

    const bool search = std::string(command) == "search";
    md += search ? "## Search runs\n\n" : "## Training runs\n\n";
    md += "Each cell: mean ± sample standard deviation [± half-width of the 95% confidence interval of the mean, "
          "t(0.975, n−1) · std / √n] over the group's runs; the mean alone when n = 1; (n=k) when only k of the "
          "group's runs have the value. ";
    md += search ? "Accuracies in %: NB201 200-epoch accuracy of the final genotype (CIFAR-10 valid: trained on "
                   "the 25k train half, tested on the 25k valid half; the others: test sets), and (best:) of the "
                   "genotype with the best supernet validation accuracy; supernet valid acc of the last epoch; "
                   "connected: runs whose cell's input reaches its output (k/n); param-free ops: none, "
                   "skip_connect and pooling among the cell's ops. "
                 : "Test top-1 / top-5 / error in % on the test set (test.json); params without the auxiliary head; "
                   "param-free ops: skip_connect, pooling and none in the cells; connected: runs whose cell's input reaches "
                   "its output (k/n). ";
    md += "device-h: Σ seconds of metrics.csv × world size / 3600.\n\n";

    std::vector<std::string> header = table.front()->keys, rule(header.size(), "---");
    header.push_back("n"), rule.push_back("---:");
    for (size_t c : shown) header.push_back(columns[c].title), rule.push_back("---:");
    md += "| " + join(header, " | ") + " |\n| " + join(rule, " | ") + " |\n";
    for (const GroupSummary* g : table) {
      std::vector<std::string> cells;
      for (const std::string& v : g->values) cells.push_back(markdown_escape(shown_value(v)));
      cells.push_back(std::to_string(g->runs.size()));
      for (size_t c : shown) cells.push_back(markdown_cell(g->results[c], columns[c], g->runs.size()));
      md += "| " + join(cells, " | ") + " |\n";
    }
    md += "\nGroups:\n";
    for (const GroupSummary* g : table)
      md += "- " + markdown_escape(group_label(*g)) + ": " + seeds_text(*g) + " (" + join(g->runs, ", ") + ")\n";
    md += "\n";
  }
  if (!skipped.empty()) {
    md += "Skipped:\n";
    for (const std::string& s : skipped) md += "- " + s + "\n";
  }
  return md;
}

std::string to_csv(const std::vector<GroupSummary>& groups) {
  std::vector<std::string> keys, results;  // unions, in order of first appearance
  for (const GroupSummary& g : groups) {
    for (const std::string& k : g.keys)
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    for (const GroupResult& r : g.results)
      if (std::find(results.begin(), results.end(), r.name) == results.end()) results.push_back(r.name);
  }
  std::vector<std::string> header{"command"};
  for (const std::string& k : keys) header.push_back(csv_field(k));
  header.push_back("n");
  for (const std::string& r : results)
    for (const char* part : {"_mean", "_std", "_ci95", "_n"}) header.push_back(r + part);
  header.push_back("seeds");
  std::string csv = join(header, ",") + "\n";
  for (const GroupSummary& g : groups) {
    std::vector<std::string> row{g.command};
    for (const std::string& k : keys) {
      const auto it = std::find(g.keys.begin(), g.keys.end(), k);
      row.push_back(it == g.keys.end() ? "" : csv_field(g.values[it - g.keys.begin()]));
    }
    row.push_back(std::to_string(g.runs.size()));
    for (const std::string& name : results) {
      const auto it = std::find_if(g.results.begin(), g.results.end(), [&](const GroupResult& r) { return r.name == name; });
      if (it == g.results.end()) {
        row.insert(row.end(), {"", "", "", ""});
        continue;
      }
      row.insert(row.end(), {full_precision(it->mean), full_precision(it->std), full_precision(it->ci95),
                             std::to_string(it->n)});
    }
    row.push_back(csv_field(join(g.seeds, " ")));
    csv += join(row, ",") + "\n";
  }
  return csv;
}

}  // namespace ldarts
