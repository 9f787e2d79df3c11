// The run folder and what goes in every checkpoint's run/ group: which run wrote
// it (a random run id), with which command, for what (space or genotype), on how
// many ranks, with which versions. docs/checkpoint-format.md, "Run identity".
#pragma once

#include <string>
#include <vector>

namespace ldarts {

struct Checkpoint;
class Communicator;

// How a command starts in its --out folder.
struct ClaimOptions {
  std::string command;  // "search" or "train"
  std::string resume;   // "" (a fresh run), "auto" or a checkpoint file
  bool force = false;   // a fresh run moves another run's folder aside
  std::string marker = "run.json";  // the file that holds the run id (P-DARTS' parent folder: pdarts.json)
};

// The files rank 0 writes; on the other ranks every write is a no-op.
class RunFolder {
 public:
  RunFolder(std::string path, bool root, std::string id = "");
  // Takes `path` for this run before anything is written there; rank 0 decides,
  // every rank learns the run id. A fresh run gets a new id and an empty or
  // missing folder; a folder that holds another run (or files of no run) is
  // refused with an Error that offers --resume auto and --force, and --force
  // renames it to <path>.old-<time> (nothing is deleted). A resume keeps the
  // folder's id (--resume auto) or the checkpoint's (--resume FILE). Writes
  // run.json with the id at once.
  static RunFolder claim(const std::string& path, const ClaimOptions& how, Communicator& comm);
  const std::string& path() const { return path_; }
  bool root() const { return root_; }
  const std::string& id() const { return id_; }
  // Where --force moved the folder's earlier contents ("" if nowhere).
  const std::string& moved_to() const { return moved_to_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Rank 0: `text` to <path>/<name>, atomically.
  void write(const std::string& name, const std::string& text) const;

 private:
  std::string path_;
  bool root_;
  std::string id_;
  std::string moved_to_;
};

// A new random run id: 16 hex digits.
std::string new_run_id();
// The run id recorded in <folder>/<marker> ("" when there is none, or no such file).
std::string folder_run_id(const std::string& folder, const std::string& marker = "run.json");

// A resume continues a run with its own settings: the `key=value` lines of two
// resolved configurations that differ, leaving out the keys a resume may change
// (epochs, device, threads, logging, checkpoint cadence, paths of inputs).
std::vector<std::string> changed_settings(const std::string& before, const std::string& now);

struct RunHeader {
  std::string command;       // "search" or "train"
  std::string subject_key;   // "space" or "genotype": what a resume must match
  std::string subject;       // the space name or the genotype text
  std::string subject_hint;  // what to do when it differs
  std::string config;        // the resolved configuration (TOML)
  int world_size = 1;
  std::string run_id;        // RunFolder::id()

  // run/* of a checkpoint.
  void write(Checkpoint& checkpoint) const;
  // A clear error naming the checkpoint when it is of another command, subject
  // or run, or when this run's settings differ from the ones it was written with.
  // (Another world size is the driver's to check: it may resume, docs/distributed.md.)
  void check(const Checkpoint& checkpoint) const;
  // run.json: run id, command, versions, world size and the command line.
  std::string json() const;
};

// This process's command line, as typed (from /proc/self/cmdline).
std::string command_line();

}  // namespace ldarts
