#include "ldarts/run/run_folder.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <random>
#include <set>
#include <sstream>

#include <ATen/ATen.h>
#include <torch/version.h>

#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/dist/communicator.h"
#include "ldarts/io/checkpoint.h"
#include "ldarts/report/json.h"

namespace ldarts {
namespace {

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (c == '\n') out += "\\n";
    else if (static_cast<unsigned char>(c) < 0x20) out += ' ';
    else out += c;
  }
  return out + "\"";
}

// What a run writes before its first step: a folder holding only these is a
// start that failed (a wrong option), and a fresh run may take it over.
const std::set<std::string> kStartFiles = {"run.json", "pdarts.json", "config.toml", "space.json", "genotype.txt",
                                           "subset-manifest.txt", "latest.h5"};

bool ends_with(const std::string& text, const std::string& tail) {
  return text.size() >= tail.size() && text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

std::string utc_stamp() {
  char buf[32];
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return buf;
}

// Rank 0's decision: the run id, or an Error that says why the folder is not this run's.
struct Claim {
  std::string id;
  std::string moved_to;
};

Claim decide(const std::string& path, const ClaimOptions& how) {
  const std::vector<std::string> entries = is_directory(path) ? list_dir(path, false) : std::vector<std::string>{};
  const std::vector<std::string> folders = is_directory(path) ? list_dir(path, true) : std::vector<std::string>{};
  LDARTS_CHECK(!file_exists(path) || is_directory(path), "--out ", path, " is a file, not a folder");
  const bool empty = entries.empty() && folders.empty();
  bool is_run = file_exists(path + "/" + how.marker);
  std::string folder_id;
  try {
    if (is_run) folder_id = folder_run_id(path, how.marker);
  } catch (const Error&) {  // an unreadable run.json: not a run this command can continue (--force moves it aside)
    is_run = false;
  }
  auto listing = [&] {
    std::string names;
    size_t shown = 0;
    for (const auto* list : {&entries, &folders})
      for (const std::string& name : *list)
        if (shown++ < 6) names += (names.empty() ? "" : ", ") + name + (list == &folders ? "/" : "");
    if (shown > 6) names += ", ... (" + std::to_string(shown) + " in all)";
    return names;
  };
  auto move_aside = [&]() {
    std::string target = path + ".old-" + utc_stamp();
    for (int n = 2; file_exists(target); ++n) target = path + ".old-" + utc_stamp() + "-" + std::to_string(n);
    LDARTS_CHECK(::rename(path.c_str(), target.c_str()) == 0, "--force: cannot move ", path, " aside to ", target, ": ",
                 std::strerror(errno), " (move or remove it yourself)");
    sync_folder(parent_folder(path));
    return target;
  };
  auto refuse = [&](const std::string& what) {
    fail("--out ", path, " ", what, ". To continue that run, add --resume auto; to start this one there anyway, "
         "add --force (moves the folder to ", path, ".old-<time>, deletes nothing); or choose another --out");
  };
  const std::string owner = folder_id.empty() ? "a run of an earlier ldarts (no run id)" : "run " + folder_id;

  if (how.resume.empty()) {  // a fresh run
    if (empty) return {new_run_id(), ""};
    bool only_start_files = folders.empty();
    for (const std::string& name : entries)  // (*.tmp: a write cut by a kill, removed below)
      only_start_files = only_start_files && (kStartFiles.count(name) > 0 || ends_with(name, ".tmp"));
    if (how.force) return {new_run_id(), move_aside()};
    if (is_run && only_start_files && latest_checkpoint(path).empty()) {
      remove_tree(path);  // a start that failed before its first step: nothing of it to keep
      return {new_run_id(), ""};
    }
    refuse(is_run ? "holds " + owner + " (" + listing() + ")"
                  : "holds files of no ldarts run (" + listing() + ")");
  }
  if (how.resume == "auto") {
    if (empty) return {new_run_id(), ""};
    if (is_run) return {folder_id.empty() ? new_run_id() : folder_id, ""};
    if (how.force) return {new_run_id(), move_aside()};
    refuse("holds files of no ldarts run (" + listing() + "), so --resume auto has nothing of its own to resume");
  }
  // --resume FILE: the checkpoint's run continues, here or in a new folder.
  const auto theirs = checkpoint_run_id(how.resume);
  LDARTS_CHECK(theirs.has_value(), "--resume ", how.resume, ": not a readable checkpoint");
  const std::string id = theirs->empty() ? new_run_id() : *theirs;
  // (Only the checkpoint's own run: a checkpoint without an id only into a folder without one.)
  if (empty || (is_run && folder_id == *theirs)) return {id, ""};
  if (how.force) return {id, move_aside()};
  refuse(is_run ? "holds " + owner + ", not the run of " + how.resume + " (run " + *theirs + ")"
                : "holds files of no ldarts run (" + listing() + ")");
  return {};
}

}  // namespace

std::string new_run_id() {
  std::random_device device;
  std::mt19937_64 mix((uint64_t(device()) << 32) ^ device() ^ uint64_t(std::time(nullptr)));
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(mix()));
  return buf;
}

std::string folder_run_id(const std::string& folder, const std::string& marker) {
  const std::string path = folder + "/" + marker;
  if (!file_exists(path)) return "";
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const Json json = parse_json(text, path);
  const Json& id = json["run_id"];
  if (!id.is_string()) return "";
  LDARTS_CHECK(id.string.size() <= 64 && id.string.find_first_not_of("0123456789abcdef") == std::string::npos, path,
               ": run_id '", id.string, "' is not a run id (16 hex digits)");
  return id.string;
}

std::vector<std::string> changed_settings(const std::string& before, const std::string& now) {
  // Keys a resume may change: they do not alter what the remaining steps compute.
  static const std::set<std::string> free = {"epochs", "device", "backend", "threads", "out", "log-every",
                                             "checkpoint-every", "keep-checkpoints", "loader-threads", "probe-every",
                                             "nb201-table", "data-dir", "skip-bad-images", "test", "genotype"};
  auto settings = [](const std::string& text) {
    std::map<std::string, std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      const size_t eq = line.find('=');
      if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
      out[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return out;
  };
  const auto a = settings(before), b = settings(now);
  std::vector<std::string> changed;
  for (const auto& [key, value] : b) {
    if (free.count(key)) continue;
    const auto it = a.find(key);
    if (it == a.end()) continue;  // a setting newer than the checkpoint: its default applies
    if (it->second != value) changed.push_back(key + "=" + it->second + " (now " + value + ")");
  }
  return changed;
}

RunFolder::RunFolder(std::string path, bool root, std::string id)
    : path_(std::move(path)), root_(root), id_(std::move(id)) {
  if (root_) make_dirs(path_);
}

RunFolder RunFolder::claim(const std::string& path, const ClaimOptions& how, Communicator& comm) {
  // Rank 0 decides and tells the others: [0 or 1 (refused), id bytes...].
  constexpr int64_t kIdBytes = 16;
  at::Tensor word = at::zeros({1 + kIdBytes}, at::kLong);
  Claim claim;
  std::string error;
  if (comm.is_root()) {
    try {
      claim = decide(path, how);
      make_dirs(path);
      remove_stale_temporaries(path);
      RunHeader header;
      header.command = how.command;
      header.run_id = claim.id;
      if (!file_exists(path + "/" + how.marker) || folder_run_id(path, how.marker) != claim.id)
        write_file_atomically(path + "/" + how.marker, header.json());
    } catch (const Error& e) {
      error = e.what();
    }
    word[0] = error.empty() ? 0 : 1;
    for (int64_t i = 0; i < kIdBytes && i < int64_t(claim.id.size()); ++i) word[1 + i] = int64_t(claim.id[size_t(i)]);
  }
  std::vector<at::Tensor> words{word};
  comm.broadcast(words, 0);
  if (comm.is_root() && !error.empty()) throw Error(error);
  LDARTS_CHECK(words[0][0].item<int64_t>() == 0, "rank 0 refused the run folder ", path, " (its message says why)");
  std::string id;
  for (int64_t i = 0; i < kIdBytes; ++i)
    if (const int64_t c = words[0][1 + i].item<int64_t>()) id += char(c);
  RunFolder folder(path, comm.is_root(), id);
  folder.moved_to_ = claim.moved_to;
  return folder;
}

void RunFolder::write(const std::string& name, const std::string& text) const {
  if (root_) write_file_atomically(file(name), text);
}

void RunHeader::write(Checkpoint& c) const {
  c.strings["run/run_id"] = run_id;
  c.strings["run/command"] = command;
  c.strings["run/" + subject_key] = subject;
  c.strings["run/config"] = config;
  c.strings["run/ldarts_version"] = LDARTS_VERSION;
  c.strings["run/torch_version"] = TORCH_VERSION;
  c.integers["run/world_size"] = world_size;
}

void RunHeader::check(const Checkpoint& c) const {
  // Search checkpoints of ldarts 0.1 carry no run/command.
  const std::string written_by = c.strings.count("run/command") ? c.string("run/command") : "search";
  LDARTS_CHECK(written_by == command, c.source, ": not a checkpoint of `ldarts ", command, "` (it was written by `ldarts ",
               written_by, "`", command == "train" ? "; derive its genotype with `ldarts genotype --checkpoint` and train that" : "",
               ")");
  if (c.integers.count("run/world_size"))  // the drivers divide by it
    LDARTS_CHECK(c.integer("run/world_size") >= 1 && c.integer("run/world_size") <= (1 << 20), c.source,
                 ": run/world_size ", c.integer("run/world_size"), " is not a number of ranks (a damaged or crafted "
                 "checkpoint)");
  const std::string& theirs = c.string("run/" + subject_key);
  LDARTS_CHECK(theirs == subject, c.source, ": written for another ", subject_key, ": the checkpoint is of ", subject_key,
               " '", theirs, "', this run is '", subject, "'", subject_hint.empty() ? "" : " (" + subject_hint + ")");
  if (c.strings.count("run/run_id") && !c.string("run/run_id").empty() && !run_id.empty())
    LDARTS_CHECK(c.string("run/run_id") == run_id, c.source, ": written by run ", c.string("run/run_id"),
                 ", not by this folder's run ", run_id);
  if (!c.strings.count("run/config") || config.empty()) return;
  const std::vector<std::string> changed = changed_settings(c.string("run/config"), config);
  std::string list;
  for (const std::string& item : changed) list += (list.empty() ? "" : ", ") + item;
  LDARTS_CHECK(changed.empty(), c.source, ": a resume continues the run with its own settings, and this command "
               "changes ", list, ". Drop the changed options (the run's are in its config.toml), or start a new run: "
               "another --out, or --force to move this folder aside");
}

std::string RunHeader::json() const {
  std::ostringstream out;
  out << "{\"run_id\": " << json_string(run_id) << ", \"command\": " << json_string(command) << ", \"" << subject_key << "\": " << json_string(subject)
      << ", \"ldarts_version\": " << json_string(LDARTS_VERSION) << ", \"torch_version\": " << json_string(TORCH_VERSION)
      << ", \"world_size\": " << world_size << ", \"argv\": " << json_string(command_line()) << "}\n";
  return out.str();
}

std::string command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string out;
  size_t start = 0;
  while (start < raw.size()) {
    size_t end = raw.find('\0', start);
    if (end == std::string::npos) end = raw.size();
    const std::string word = raw.substr(start, end - start);
    if (!out.empty()) out += ' ';
    const bool plain = !word.empty() && word.find_first_of(" \t\"'$\\") == std::string::npos;
    out += plain ? word : "'" + word + "'";
    start = end + 1;
  }
  return out;
}

}  // namespace ldarts
