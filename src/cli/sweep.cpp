// ldarts sweep: expand a grid file into combinations and run them as a SLURM
// array (--submit), one after another here (--local), or print one array
// task's arguments (--task N --print-args, what jobs/sweep.sbatch runs).
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include <CLI/CLI.hpp>

#include "ldarts/cli/commands.h"
#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/core/signals.h"
#include "ldarts/sweep/sweep.h"

extern char** environ;

namespace ldarts {
namespace {

struct Options {
  std::string grid, out;
  bool submit = false, local = false, print_args = false;
  int task = -1;
  std::string stage;
  std::string job_script = std::string(LDARTS_SOURCE_DIR) + "/jobs/sweep.sbatch";
  std::string sbatch_args;
};

std::string absolute(const std::string& path) {
  if (!path.empty() && path.front() == '/') return path;
  char buf[4096];
  LDARTS_CHECK(getcwd(buf, sizeof buf) != nullptr, "cannot read the working folder");
  return std::string(buf) + "/" + path;
}

// Runs a command and returns its standard output; a failure is an Error with its output.
std::string run_capture(const std::string& command) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  LDARTS_CHECK(pipe != nullptr, "cannot run ", command);
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int status = pclose(pipe);
  LDARTS_CHECK(status == 0, "`", command, "` failed: ", out);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// This binary with `args` (and --resume auto), waited for; returns its exit status.
int run_self(std::vector<std::string> args) {
  args.insert(args.begin(), "/proc/self/exe");
  args.push_back("--resume");
  args.push_back("auto");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  LDARTS_CHECK(posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv.data(), environ) == 0,
               "cannot start ", args[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    LDARTS_CHECK(errno == EINTR, "waiting for ", args[0], " failed: ", std::strerror(errno));
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void write_plan(const SweepGrid& grid, const std::vector<Combination>& combos, const std::string& out) {
  make_dirs(out);
  std::string plan = "task\tfolder";
  for (const auto& [key, values] : grid.axes) plan += "\t" + key;
  plan += "\n";
  for (const Combination& c : combos) {
    plan += std::to_string(c.index) + "\t" + c.name;
    for (const auto& [key, value] : c.values) plan += "\t" + value;
    plan += "\n";
  }
  write_file_atomically(out + "/plan.tsv", plan);
  std::ifstream in(grid.path);
  std::stringstream text;
  text << in.rdbuf();
  write_file_atomically(out + "/sweep.toml", text.str());
}

void run_local(const SweepGrid& grid, const std::vector<Combination>& combos, const std::string& out) {
  std::vector<std::string> failed;
  for (const Combination& c : combos) {
    std::vector<std::string> stages{grid.command};
    if (!grid.train.empty()) stages.push_back("pipeline-train");
    for (const std::string& stage : stages) {
      const std::vector<std::string> args = stage_arguments(grid, c, out, stage);
      std::printf("[sweep %d/%zu] ldarts %s --resume auto\n", c.index + 1, combos.size(), shell_quote(args).c_str());
      std::fflush(stdout);
      const int rc = run_self(args);
      if (rc == kExitPreempted)
        throw Preempted("the sweep stopped at task " + std::to_string(c.index) + "; run it again to continue");
      if (rc != 0) {
        failed.push_back(c.name + " (" + stage + ", exit " + std::to_string(rc) + ")");
        break;  // no training of a failed search
      }
    }
  }
  LDARTS_CHECK(failed.empty(), failed.size(), " of ", combos.size(), " combinations failed: ", [&] {
    std::string list;
    for (const auto& f : failed) list += (list.empty() ? "" : ", ") + f;
    return list;
  }());
  std::printf("sweep done: %zu combinations in %s (summarize: ldarts summarize %s)\n", combos.size(), out.c_str(),
              out.c_str());
}

void submit(const SweepGrid& grid, const std::vector<Combination>& combos, const Options& o) {
  LDARTS_CHECK(file_exists(o.job_script), "--job-script ", o.job_script, ": no such file");
  const std::string grid_path = absolute(o.grid), out = absolute(o.out);
  const std::string array = "--array=0-" + std::to_string(combos.size() - 1);
  const std::string base = "sbatch --parsable " + array + " " + o.sbatch_args + " ";
  const std::string search = run_capture(base + shell_quote({o.job_script, grid_path, out, grid.command}));
  std::printf("submitted %s: array job %s, %zu tasks\n", grid.command.c_str(), search.c_str(), combos.size());
  if (!grid.train.empty()) {
    // aftercorr: task i of the training starts when task i of the search has succeeded.
    const std::string job_id = search.substr(0, search.find(';'));
    const std::string train = run_capture(base + "--dependency=aftercorr:" + job_id + " " +
                                          shell_quote({o.job_script, grid_path, out, "pipeline-train"}));
    std::printf("submitted pipeline-train: array job %s (task i after search task %s_i succeeded)\n", train.c_str(),
                job_id.c_str());
  }
}

}  // namespace

void setup_sweep(CLI::App& app) {
  auto opt = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("sweep", "Run a grid of option values (seeds, λ, ε0, ...) as a SLURM array or "
                                              "here, each combination in its own run folder (docs/sweeps.md)");
  sub->add_option("grid", opt->grid, "Grid file (TOML: base = preset, key = [values...], key = value)")->required();
  sub->add_option("--out", opt->out, "Folder of the sweep's run folders")->required();
  sub->add_flag("--submit", opt->submit, "Submit one sbatch --array job (and the training array with train = ...)");
  sub->add_flag("--local", opt->local, "Run every combination here, one after another (--resume auto each)");
  sub->add_option("--task", opt->task, "With --print-args: the array task (combination) index")->check(CLI::NonNegativeNumber);
  sub->add_option("--stage", opt->stage, "With --print-args: search | train | pipeline-train (default: the grid's command)");
  sub->add_flag("--print-args", opt->print_args, "Print the ldarts arguments of --task, one per line (jobs/sweep.sbatch)");
  sub->add_option("--job-script", opt->job_script, "The array job script for --submit")->capture_default_str();
  sub->add_option("--sbatch-args", opt->sbatch_args, "More sbatch options for --submit, e.g. \"--partition=gpu --gres=gpu:1\"");
  sub->callback([opt] {
    const SweepGrid grid = read_grid(opt->grid);
    const std::vector<Combination> combos = expand(grid);
    if (opt->print_args) {
      LDARTS_CHECK(opt->task >= 0, "--print-args needs --task N");
      LDARTS_CHECK(opt->task < int(combos.size()), "--task ", opt->task, ": the grid ", opt->grid, " has ", combos.size(),
                   " combinations (0..", combos.size() - 1, ")");
      for (const std::string& a : stage_arguments(grid, combos[opt->task], opt->out,
                                                  opt->stage.empty() ? grid.command : opt->stage))
        std::printf("%s\n", a.c_str());
      return;
    }
    LDARTS_CHECK(!(opt->submit && opt->local), "--submit and --local: choose one");
    std::printf("sweep %s: %zu combinations into %s\n", opt->grid.c_str(), combos.size(), opt->out.c_str());
    for (const Combination& c : combos)
      std::printf("  %3d  %s\n       ldarts %s\n", c.index, c.name.c_str(),
                  shell_quote(stage_arguments(grid, c, opt->out, grid.command)).c_str());
    if (!grid.train.empty()) std::printf("  then each search's genotype: ldarts train --config %s ...\n", grid.train.c_str());
    write_plan(grid, combos, opt->out);
    if (opt->local) return run_local(grid, combos, opt->out);
    if (opt->submit) return submit(grid, combos, *opt);
    std::printf("\nsubmit with: ldarts sweep %s --out %s --submit   (or run here: --local)\n", opt->grid.c_str(),
                opt->out.c_str());
  });
}

}  // namespace ldarts
