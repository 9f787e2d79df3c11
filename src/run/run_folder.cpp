#include "ldarts/run/run_folder.h"

#include <fstream>
#include <iterator>
#include <sstream>

#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/io/checkpoint.h"

#include <torch/version.h>

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

}  // namespace

RunFolder::RunFolder(std::string path, bool root) : path_(std::move(path)), root_(root) {
  if (root_) make_dirs(path_);
}

void RunFolder::write(const std::string& name, const std::string& text) const {
  if (root_) write_file_atomically(file(name), text);
}

void RunHeader::write(Checkpoint& c) const {
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
  const std::string& theirs = c.string("run/" + subject_key);
  LDARTS_CHECK(theirs == subject, c.source, ": written for another ", subject_key, ": the checkpoint is of ", subject_key,
               " '", theirs, "', this run is '", subject, "'", subject_hint.empty() ? "" : " (" + subject_hint + ")");
}

std::string RunHeader::json() const {
  std::ostringstream out;
  out << "{\"command\": " << json_string(command) << ", \"" << subject_key << "\": " << json_string(subject)
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
