#include "ldarts/report/plots.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

namespace ldarts {
namespace {

// Per-step curves of long runs are averaged over bins of consecutive steps so
// that a plot holds at most about this many points (and the SVG stays small).
constexpr size_t kMaxStepPoints = 1500;

bool any_finite(const std::vector<double>& v) {
  return std::any_of(v.begin(), v.end(), [](double y) { return std::isfinite(y); });
}

// How the x of a table's rows is formed.
enum class Axis {
  epoch,  // the "epoch" column + 1 (1-based like cells/epoch-NNN), else the row number
  row,    // steps.csv: "global_step" where written, else the row index ("step" restarts each epoch)
  step,   // diagnostics.csv (a row every --probe-every steps): "global_step", else "step", else the row index
};

std::vector<double> x_of(const Table& t, Axis axis) {
  std::vector<double> x(t.rows.size());
  for (size_t r = 0; r < x.size(); ++r) x[r] = axis == Axis::epoch ? r + 1.0 : static_cast<double>(r);
  const std::string column = axis == Axis::epoch         ? "epoch"
                             : t.has("global_step")      ? "global_step"
                             : axis == Axis::step        ? "step"
                                                         : "";
  if (column.empty() || !t.has(column)) return x;
  const std::vector<double> v = t.numbers(column);
  for (size_t r = 0; r < x.size(); ++r)
    if (std::isfinite(v[r])) x[r] = axis == Axis::epoch ? v[r] + 1 : v[r];
  return x;
}

// The mean of every `width` consecutive points (NaNs left out of the mean).
void bin(Series& s, size_t width) {
  if (width <= 1) return;
  Series out;
  for (size_t start = 0; start < s.x.size(); start += width) {
    const size_t end = std::min(s.x.size(), start + width);
    double sx = 0, sy = 0;
    int ny = 0;
    for (size_t i = start; i < end; ++i) {
      sx += s.x[i];
      if (std::isfinite(s.y[i])) sy += s.y[i], ++ny;
    }
    out.x.push_back(sx / (end - start));
    out.y.push_back(ny ? sy / ny : std::nan(""));
  }
  s.x = out.x, s.y = out.y;
}

const Table& table_of(const RunData& run, const std::string& file) {
  return file == "steps" ? run.steps : file == "diagnostics" ? run.diagnostics : run.metrics;
}

// The longest common prefix of the names.
std::string common_prefix(const std::vector<std::string>& names) {
  std::string prefix = names.front();
  for (const std::string& n : names) {
    size_t i = 0;
    while (i < prefix.size() && i < n.size() && prefix[i] == n[i]) ++i;
    prefix.resize(i);
  }
  return prefix;
}

struct Overlay {
  const std::vector<RunData>& runs;
  const std::vector<RunGroup>& groups;
  bool colour_by_group;  // several groups: one colour per group, one dash per column

  // One plot: `columns` of `file` ("metrics", "steps", "diagnostics") against
  // `axis`, for every group of runs of `command`.
  Plot plot(const std::string& id, const std::string& section, const std::string& title, const std::string& xlabel,
            const std::string& ylabel, const std::string& command, const std::string& file,
            const std::vector<std::string>& columns, Axis axis) const {
    Plot p{id, section, "", title, xlabel, ylabel, {}, axis == Axis::epoch, true, false};
    size_t width = 1;
    if (file == "steps")
      for (const RunData& r : runs) width = std::max(width, (r.steps.rows.size() + kMaxStepPoints - 1) / kMaxStepPoints);
    if (width > 1) p.title += " (mean of every " + std::to_string(width) + " steps)";
    for (size_t g = 0; g < groups.size(); ++g) {
      if (runs[groups[g].members.front()].command != command) continue;
      for (size_t c = 0; c < columns.size(); ++c) {
        const int color = static_cast<int>(colour_by_group ? g : c), dash = static_cast<int>(colour_by_group ? c % 4 : 0);
        std::vector<Series> members;
        for (size_t m : groups[g].members) {
          const Table& t = table_of(runs[m], file);
          if (!t.has(columns[c])) continue;
          Series s{runs[m].name + "/" + columns[c], x_of(t, axis), t.numbers(columns[c]), {}, {}, color, dash, false};
          bin(s, width);
          if (any_finite(s.y)) members.push_back(s);
        }
        if (members.empty()) continue;
        if (groups[g].members.size() == 1) {
          p.series.push_back(members.front());
          continue;
        }
        for (Series& s : members) s.thin = true;
        p.series.insert(p.series.end(), members.begin(), members.end());
        p.series.push_back(mean_band(groups[g].label + "/" + columns[c], members));
        p.series.back().color = color, p.series.back().dash = dash;
      }
    }
    return p;
  }

  // The union of the columns of `file` that pass `keep`, in order of first appearance.
  std::vector<std::string> columns_where(const std::string& file, const std::string& command,
                                         bool (*keep)(const std::string&)) const {
    std::vector<std::string> out;
    for (const RunData& r : runs)
      if (r.command == command)
        for (const std::string& c : table_of(r, file).columns)
          if (keep(c) && std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
    return out;
  }
};

bool is_alpha_change(const std::string& c) { return c.rfind("alpha_change_l1_", 0) == 0; }
bool is_diagnostic(const std::string& c) { return c != "epoch" && c != "step" && c != "global_step"; }

// diagnostics.csv columns are grouped by their first two words: grad_ema_*, cos_output_*, cos_grad_*.
std::string diagnostic_group(const std::string& column) {
  const size_t first = column.find('_');
  if (first == std::string::npos) return column;
  const size_t second = column.find('_', first + 1);
  return second == std::string::npos ? column : column.substr(0, second);
}

std::string diagnostic_title(const std::string& group) {
  if (group == "grad_ema") return "Gradient EMA (grad_ema_*)";
  if (group == "cos_output") return "Cosine similarity of the stage outputs (cos_output_*)";
  if (group == "cos_grad") return "Cosine similarity of the stage gradients (cos_grad_*)";
  return group + "*";
}

std::string plot_id(std::string text) {
  for (char& c : text)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') c = '_';
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// softmax(α) of one run: one small plot per cell type and edge, one series per op.
void add_alpha_strips(std::vector<Plot>& plots, const RunData& run, size_t run_index) {
  const AlphaHistory& a = run.alphas;
  std::vector<std::string> types;
  for (const SpaceCellType& t : run.cell_types)
    if (a.probabilities.count(t.name)) types.push_back(t.name);
  for (const std::string& t : a.cell_types)
    if (std::find(types.begin(), types.end(), t) == types.end()) types.push_back(t);
  for (const std::string& type : types) {
    const auto& history = a.probabilities.at(type);  // [line][edge][op]
    size_t edges = 0;
    for (const auto& line : history) edges = std::max(edges, line.size());
    const SpaceCellType* layout = nullptr;
    for (const SpaceCellType& t : run.cell_types)
      if (t.name == type) layout = &t;
    for (size_t e = 0; e < edges; ++e) {
      const std::string wiring = e < run.edges.size()
                                     ? std::to_string(run.edges[e].from) + "→" + std::to_string(run.edges[e].to)
                                     : "edge " + std::to_string(e);
      Plot p{plot_id("alpha-" + std::to_string(run_index) + "-" + type + "-" + std::to_string(e)), "alphas", run.name,
             type + " " + wiring, "epoch", "softmax(α)", {}, true, false, true};
      size_t ops = 0;
      for (const auto& line : history) ops = std::max(ops, e < line.size() ? line[e].size() : 0);
      for (size_t o = 0; o < ops; ++o) {
        Series s;
        s.name = layout && e < layout->edge_ops.size() && o < layout->edge_ops[e].size() ? layout->edge_ops[e][o]
                                                                                            : "op" + std::to_string(o + 1);
        s.color = static_cast<int>(o);
        for (size_t l = 0; l < history.size(); ++l) {
          s.x.push_back(a.epochs[l] + 1);
          s.y.push_back(e < history[l].size() && o < history[l][e].size() ? history[l][e][o] : std::nan(""));
        }
        if (any_finite(s.y)) p.series.push_back(s);
      }
      if (!p.series.empty()) plots.push_back(p);
    }
  }
}

}  // namespace

const std::vector<std::string> kGroupIgnoredKeys = {"seed", "out"};

std::vector<RunGroup> group_runs(const std::vector<RunData>& runs) {
  std::vector<RunGroup> groups;
  std::vector<std::map<std::string, std::string>> signatures;
  for (size_t i = 0; i < runs.size(); ++i) {
    std::map<std::string, std::string> signature{{"(command)", runs[i].command}};
    for (const auto& [key, value] : runs[i].config)
      if (std::find(kGroupIgnoredKeys.begin(), kGroupIgnoredKeys.end(), key) == kGroupIgnoredKeys.end())
        signature[key] = value;
    size_t g = 0;
    while (g < groups.size() && (runs[i].config.empty() || signatures[g] != signature)) ++g;
    if (g == groups.size()) {
      groups.push_back({runs[i].name, {}});
      signatures.push_back(runs[i].config.empty() ? std::map<std::string, std::string>{{"(command)", runs[i].command}, {"(no config)", runs[i].dir}}
                                                  : signature);
    }
    groups[g].members.push_back(i);
  }
  // The settings that tell a group of seeds from the other groups of its command (regularizer=corr,
  // lambda=0.125) name it; with one setting only, the common part of its run names does.
  auto differing_keys = [&](size_t i) {
    std::vector<std::string> keys;
    for (size_t j = 0; j < signatures.size(); ++j) {
      if (j == i || signatures[j].at("(command)") != signatures[i].at("(command)")) continue;
      for (const auto& [key, value] : signatures[i]) {
        const auto it = signatures[j].find(key);
        if ((it == signatures[j].end() || it->second != value) && std::find(keys.begin(), keys.end(), key) == keys.end())
          keys.push_back(key);
      }
    }
    return keys;
  };
  int numbered = 0;
  for (size_t i = 0; i < groups.size(); ++i) {
    RunGroup& g = groups[i];
    if (g.members.size() < 2) continue;
    std::string settings;
    for (const std::string& key : differing_keys(i))
      settings += (settings.empty() ? "" : ", ") + key + "=" + signatures[i].at(key);
    if (!settings.empty() && settings.size() <= 60) {
      g.label = settings + " (mean of " + std::to_string(g.members.size()) + ")";
      continue;
    }
    std::vector<std::string> names;
    for (size_t m : g.members) names.push_back(runs[m].name);
    const std::string prefix = common_prefix(names);
    std::vector<std::string> reversed = names;
    for (std::string& n : reversed) std::reverse(n.begin(), n.end());
    std::string suffix = common_prefix(reversed);
    std::reverse(suffix.begin(), suffix.end());
    ++numbered;
    g.label = !prefix.empty() ? prefix + "*" : !suffix.empty() ? "*" + suffix : "group " + std::to_string(numbered);
    g.label += " (mean of " + std::to_string(g.members.size()) + ")";
  }
  return groups;
}

double t_975(int df) {
  static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                 2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                 2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df < 1) return std::nan("");
  if (df <= 30) return table[df - 1];
  // Cornish-Fisher expansion around the normal quantile (error < 1e-3 for df > 30).
  const double z = 1.959964, n = df;
  return z + (z * z * z + z) / (4 * n) + (5 * std::pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * n * n);
}

Series mean_band(const std::string& name, const std::vector<Series>& members) {
  std::map<double, std::vector<double>> at;  // x -> the members' values there
  for (const Series& s : members)
    for (size_t i = 0; i < s.x.size(); ++i)
      if (std::isfinite(s.y[i])) at[s.x[i]].push_back(s.y[i]);
  Series out;
  out.name = name;
  for (const auto& [x, values] : at) {
    const double n = static_cast<double>(values.size());
    double mean = 0, squares = 0;
    for (double v : values) mean += v / n;
    for (double v : values) squares += (v - mean) * (v - mean);
    const double half = values.size() < 2 ? std::nan("")
                                           : t_975(static_cast<int>(values.size()) - 1) * std::sqrt(squares / (n - 1)) / std::sqrt(n);
    out.x.push_back(x);
    out.y.push_back(mean);
    out.lower.push_back(mean - half);
    out.upper.push_back(mean + half);
  }
  return out;
}

std::string palette_color(int i) {
  static const char* colors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return colors[((i % 10) + 10) % 10];
}

std::vector<Plot> build_plots(const std::vector<RunData>& runs, const std::vector<RunGroup>& groups) {
  size_t search_groups = 0, train_groups = 0;
  for (const RunGroup& g : groups) (runs[g.members.front()].is_search() ? search_groups : train_groups)++;
  const Overlay search{runs, groups, search_groups > 1}, train{runs, groups, train_groups > 1};
  std::vector<Plot> plots;
  auto add = [&](Plot p) {
    if (!p.series.empty()) plots.push_back(std::move(p));
  };
  const std::string s = "search";
  // The search, per epoch (metrics.csv).
  add(search.plot("loss", s, "Loss: ω batches (train), α batches (arch), validation", "epoch", "loss", s, "metrics",
                  {"train_loss", "arch_loss", "valid_loss"}, Axis::epoch));
  add(search.plot("accuracy", s, "Accuracy: ω batches (train), α batches (arch), validation", "epoch", "accuracy (%)", s,
                  "metrics", {"train_acc", "arch_acc", "valid_acc"}, Axis::epoch));
  add(search.plot("alignment", s, "Layer alignment Λ (eq. 5) of the train and valid gradients", "epoch", "Λ", s,
                  "metrics", {"alignment_train", "alignment_valid"}, Axis::epoch));
  add(search.plot("sign_alignment", s, "Sign alignment Λ± (eq. 7)", "epoch", "Λ±", s, "metrics",
                  {"sign_alignment_train", "sign_alignment_valid"}, Axis::epoch));
  add(search.plot("lambda", s, "λ_t (ramped)", "epoch", "λ_t", s, "metrics", {"lambda"}, Axis::epoch));
  add(search.plot("epsilon", s, "ε = ε0/‖Δ‖ (mean over the epoch)", "epoch", "ε", s, "metrics", {"epsilon"}, Axis::epoch));
  add(search.plot("delta_norm", s, "‖Δ‖_F (mean over the epoch)", "epoch", "‖Δ‖", s, "metrics", {"delta_norm"},
                  Axis::epoch));
  add(search.plot("grad_norm", s, "ω gradient norm seen by the clip", "epoch", "norm", s, "metrics", {"grad_norm"},
                  Axis::epoch));
  add(search.plot("lr", s, "ω learning rate", "epoch", "lr", s, "metrics", {"lr"}, Axis::epoch));
  add(search.plot("nb201", s, "NAS-Bench-201 accuracy of each epoch's genotype (CIFAR-10 valid and test; CIFAR-100, ImageNet16-120 test)", "epoch", "accuracy (%)", s,
                  "metrics", {"cifar10_valid", "cifar10_test", "cifar100_test", "imagenet16_test"}, Axis::epoch));
  add(search.plot("alpha_change", s, "L1 change of softmax(α) over each epoch", "epoch", "‖Δp‖₁", s, "metrics",
                  search.columns_where("metrics", s, is_alpha_change), Axis::epoch));
  // Per step (steps.csv).
  add(search.plot("steps_loss", "steps", "Loss per step", "step", "loss", s, "steps", {"train_loss", "arch_loss"},
                  Axis::row));
  add(search.plot("steps_alignment", "steps", "Λ per step", "step", "Λ", s, "steps",
                  {"alignment_train", "alignment_valid"}, Axis::row));
  // Diagnostics, one plot per column prefix.
  std::vector<std::string> prefixes;
  const std::vector<std::string> diagnostic_columns = search.columns_where("diagnostics", s, is_diagnostic);
  for (const std::string& c : diagnostic_columns)
    if (std::find(prefixes.begin(), prefixes.end(), diagnostic_group(c)) == prefixes.end())
      prefixes.push_back(diagnostic_group(c));
  for (const std::string& prefix : prefixes) {
    std::vector<std::string> columns;
    for (const std::string& c : diagnostic_columns)
      if (diagnostic_group(c) == prefix) columns.push_back(c);
    add(search.plot(plot_id("diag_" + prefix), "diagnostics", diagnostic_title(prefix), "step", "", s, "diagnostics",
                    columns, Axis::step));
  }
  // softmax(α) strips, per run.
  for (size_t r = 0; r < runs.size(); ++r)
    if (runs[r].is_search()) add_alpha_strips(plots, runs[r], r);
  // Evaluation training.
  const std::string t = "train";
  add(train.plot("train_loss", t, "Training: loss", "epoch", "loss", t, "metrics", {"train_loss", "valid_loss"},
                 Axis::epoch));
  add(train.plot("train_top1", t, "Training: top-1 accuracy", "epoch", "top-1 (%)", t, "metrics",
                 {"train_top1", "valid_top1"}, Axis::epoch));
  add(train.plot("train_top5", t, "Training: top-5 accuracy", "epoch", "top-5 (%)", t, "metrics",
                 {"train_top5", "valid_top5"}, Axis::epoch));
  add(train.plot("train_lr", t, "Training: learning rate", "epoch", "lr", t, "metrics", {"lr"}, Axis::epoch));
  add(train.plot("train_drop_path", t, "Training: drop-path probability", "epoch", "p", t, "metrics", {"drop_path"},
                 Axis::epoch));
  return plots;
}

}  // namespace ldarts
