#include "ldarts/summary/run_folders.h"

#include <climits>
#include <cstdlib>
#include <set>

#include "ldarts/core/error.h"
#include "ldarts/core/files.h"

namespace ldarts {
namespace {

bool is_run_folder(const std::string& dir) {
  return file_exists(dir + "/run.json") || file_exists(dir + "/metrics.csv");
}

std::string join_path(const std::string& dir, const std::string& name) {
  return !dir.empty() && dir.back() == '/' ? dir + name : dir + "/" + name;
}

// The same folder given as runs/x and ./runs/x/ is read once.
std::string real_path(const std::string& dir) {
  char resolved[PATH_MAX];
  return ::realpath(dir.c_str(), resolved) ? std::string(resolved) : dir;
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
  return out;
}

}  // namespace

RunSet read_runs(const std::vector<std::string>& dirs) {
  RunSet set;
  std::vector<std::string> found;
  std::set<std::string> seen;
  auto take = [&](const std::string& dir) {
    if (seen.insert(real_path(dir)).second) found.push_back(dir);
  };
  for (const std::string& dir : dirs) {
    LDARTS_CHECK(is_directory(dir), dir, ": no such folder (give run folders of `ldarts search` / `ldarts train`, or "
                                         "folders of run folders)");
    if (is_run_folder(dir)) {
      take(dir);
      continue;
    }
    bool any_run = false;
    for (const std::string& name : list_dir(dir, true)) {
      const std::string sub = join_path(dir, name);
      if (is_run_folder(sub)) {
        take(sub), any_run = true;
        continue;
      }
      // A folder of run folders (one sweep setting): its run folders; the other subfolders are noted.
      std::vector<std::string> inner_runs, others;
      for (const std::string& inner : list_dir(sub, true))
        (is_run_folder(join_path(sub, inner)) ? inner_runs : others).push_back(join_path(sub, inner));
      if (inner_runs.empty()) {
        set.notes.push_back(sub + ": skipped, neither a run folder (no run.json or metrics.csv) nor a folder of run folders");
        continue;
      }
      for (const std::string& path : inner_runs) take(path), any_run = true;
      for (const std::string& path : others) set.notes.push_back(path + ": skipped, not a run folder (no run.json or metrics.csv)");
    }
    if (!any_run) set.notes.push_back(dir + ": no run folder in it or in its subfolders");
  }
  LDARTS_CHECK(!found.empty(), "no run folder in ", join(dirs, ", "),
               " (a run folder holds run.json or metrics.csv: give the --out folder of `ldarts search` / `ldarts "
               "train`, or a folder of such folders)");
  for (const std::string& dir : found) {
    RunData run = read_run(dir);
    // A training of a search's genotype.json (a sweep's pipeline): that search's settings, as search.<key>.
    const std::string genotype = run.config_value("genotype");
    const size_t slash = genotype.rfind('/');
    if (run.command == "train" && slash != std::string::npos && genotype.find(".json") != std::string::npos &&
        file_exists(genotype.substr(0, slash) + "/config.toml")) {
      const auto text = read_file_bytes(genotype.substr(0, slash) + "/config.toml");
      for (const auto& [key, value] : parse_config(std::string(text.begin(), text.end())))
        run.config.emplace_back("search." + key, value);
    }
    set.runs.push_back(std::move(run));
  }
  name_runs(set.runs);
  return set;
}

}  // namespace ldarts
