#include "ldarts/sweep/sweep.h"

#include <cctype>
#include <fstream>
#include <sstream>

#include "ldarts/core/error.h"

namespace ldarts {
namespace {

std::string trim(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

// The line without a comment (a '#' outside quotes).
std::string strip_comment(const std::string& line) {
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"') quoted = !quoted;
    if (line[i] == '#' && !quoted) return line.substr(0, i);
  }
  return line;
}

std::string unquote(const std::string& value, const std::string& where) {
  const std::string v = trim(value);
  LDARTS_CHECK(!v.empty(), where, ": a value is empty");
  if (v.front() != '"') return v;
  LDARTS_CHECK(v.size() >= 2 && v.back() == '"', where, ": unterminated string ", v);
  return v.substr(1, v.size() - 2);
}

// [a, b, "c"] → {a, b, c}
std::vector<std::string> parse_list(const std::string& text, const std::string& where) {
  const std::string inner = trim(text.substr(1, text.size() - 2));
  std::vector<std::string> out;
  std::string item;
  bool quoted = false;
  for (char c : inner + ",") {
    if (c == '"') quoted = !quoted;
    if (c == ',' && !quoted) {
      if (!trim(item).empty()) out.push_back(unquote(item, where));
      item.clear();
    } else {
      item += c;
    }
  }
  LDARTS_CHECK(!out.empty(), where, ": an empty list (give at least one value)");
  return out;
}

// A value as a folder name part: letters, digits and . + - _ kept, others '_'.
std::string folder_safe(const std::string& value) {
  std::string out;
  for (char c : value) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '+' || c == '-') ? c : '_';
  return out;
}

void add_options(std::vector<std::string>& args, const KeyValues& values) {
  for (const auto& [key, value] : values) args.push_back("--" + key), args.push_back(value);
}

}  // namespace

SweepGrid read_grid(const std::string& path) {
  std::ifstream in(path);
  LDARTS_CHECK(in, path, ": cannot read the sweep grid file");
  SweepGrid grid;
  grid.path = path;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string where = path + ":" + std::to_string(number);
    const std::string text = trim(strip_comment(line));
    if (text.empty()) continue;
    LDARTS_CHECK(text.front() != '[' , where, ": sections are not used in grid files; write train.<key> = value "
                 "for the training options");
    const size_t eq = text.find('=');
    LDARTS_CHECK(eq != std::string::npos, where, ": expected key = value or key = [v1, v2, ...], got '", text, "'");
    const std::string key = trim(text.substr(0, eq)), value = trim(text.substr(eq + 1));
    LDARTS_CHECK(!key.empty() && key.find_first_of(" \t\"") == std::string::npos, where, ": bad key '", key, "'");
    const bool list = !value.empty() && value.front() == '[';
    LDARTS_CHECK(!list || value.back() == ']', where, ": a list must end with ] on the same line");
    if (key == "base" || key == "command" || key == "train") {
      LDARTS_CHECK(!list, where, ": ", key, " takes one value");
      (key == "base" ? grid.base : key == "command" ? grid.command : grid.train) = unquote(value, where);
    } else if (key.rfind("train.", 0) == 0) {
      LDARTS_CHECK(!list, where, ": training options take one value (the training follows each search)");
      grid.train_fixed.emplace_back(key.substr(6), unquote(value, where));
    } else if (list) {
      for (const auto& [axis, values] : grid.axes) LDARTS_CHECK(axis != key, where, ": ", key, " is given twice");
      grid.axes.emplace_back(key, parse_list(value, where));
    } else {
      grid.fixed.emplace_back(key, unquote(value, where));
    }
    LDARTS_CHECK(key != "out" && key != "resume" && key != "train.out" && key != "train.genotype", where, ": ", key,
                 " is set by the sweep (the run folders are under --out)");
  }
  LDARTS_CHECK(grid.command == "search" || grid.command == "train", path, ": command must be search or train, got '",
               grid.command, "'");
  LDARTS_CHECK(grid.train.empty() || grid.command == "search", path, ": train = ... follows searches only");
  return grid;
}

std::vector<Combination> expand(const SweepGrid& grid) {
  std::vector<Combination> out(1);
  for (const auto& [key, values] : grid.axes) {
    std::vector<Combination> next;
    for (const Combination& c : out)
      for (const std::string& v : values) {
        Combination more = c;
        more.values.emplace_back(key, v);
        next.push_back(more);
      }
    out = next;
  }
  for (size_t i = 0; i < out.size(); ++i) {
    char index[24];  // any size_t in decimal fits
    std::snprintf(index, sizeof index, "%03zu", i);
    out[i].index = int(i);
    out[i].name = index;
    for (const auto& [key, value] : out[i].values) out[i].name += "-" + folder_safe(key) + "=" + folder_safe(value);
  }
  return out;
}

std::string stage_folder(const Combination& c, const std::string& out, const std::string& stage) {
  return out + "/" + c.name + (stage == "pipeline-train" ? ".train" : "");
}

std::vector<std::string> stage_arguments(const SweepGrid& grid, const Combination& c, const std::string& out,
                                         const std::string& stage) {
  std::vector<std::string> args;
  if (stage == "pipeline-train") {
    LDARTS_CHECK(!grid.train.empty(), grid.path, ": no train = ... preset, so there is no training stage");
    args = {"train", "--config", grid.train, "--genotype", stage_folder(c, out, "search") + "/genotype.json"};
    add_options(args, grid.train_fixed);
  } else {
    LDARTS_CHECK(stage == grid.command, "--stage ", stage, ": this grid's command is ", grid.command,
                 " (stages: ", grid.command, grid.train.empty() ? "" : ", pipeline-train", ")");
    args = {grid.command};
    if (!grid.base.empty()) args.push_back("--config"), args.push_back(grid.base);
    add_options(args, grid.fixed);
    add_options(args, c.values);
  }
  args.push_back("--out");
  args.push_back(stage_folder(c, out, stage));
  return args;
}

std::string shell_quote(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    const bool plain = !w.empty() && w.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                                         "._-+=/,:@") == std::string::npos;
    std::string quoted = "'";
    for (char c : w) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += (out.empty() ? "" : " ") + (plain ? w : quoted + "'");
  }
  return out;
}

}  // namespace ldarts
