// The run folder and what goes in every checkpoint's run/ group: which command
// wrote it, for what (space or genotype), on how many ranks, with which versions.
#pragma once

#include <string>

namespace ldarts {

struct Checkpoint;

// The files rank 0 writes; on the other ranks every write is a no-op.
class RunFolder {
 public:
  RunFolder(std::string path, bool root);
  const std::string& path() const { return path_; }
  bool root() const { return root_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Rank 0: `text` to <path>/<name>, atomically.
  void write(const std::string& name, const std::string& text) const;

 private:
  std::string path_;
  bool root_;
};

struct RunHeader {
  std::string command;       // "search" or "train"
  std::string subject_key;   // "space" or "genotype": what a resume must match
  std::string subject;       // the space name or the genotype text
  std::string subject_hint;  // what to do when it differs
  std::string config;        // the resolved configuration (TOML)
  int world_size = 1;

  // run/* of a checkpoint.
  void write(Checkpoint& checkpoint) const;
  // A clear error naming the checkpoint when it is of another command or subject.
  // (Another world size is the driver's to check: it may resume, docs/distributed.md.)
  void check(const Checkpoint& checkpoint) const;
  // run.json: command, versions, world size and the command line.
  std::string json() const;
};

// This process's command line, as typed (from /proc/self/cmdline).
std::string command_line();

}  // namespace ldarts
