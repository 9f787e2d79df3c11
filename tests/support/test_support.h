// Helpers shared by the tests: scratch folders and small files.
#pragma once

#include <string>
#include <vector>

namespace ldarts::test {

// A fresh empty folder under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void write_bytes(const std::string& path, const std::vector<unsigned char>& bytes);
void write_text(const std::string& path, const std::string& text);
std::string read_text(const std::string& path);

// A big-endian idx file: images (magic 0x803, dims n,rows,cols) or labels (0x801).
std::vector<unsigned char> idx_images(uint32_t n, uint32_t rows, uint32_t cols, uint32_t magic = 0x803);
std::vector<unsigned char> idx_labels(const std::vector<unsigned char>& labels, uint32_t magic = 0x801);

// A CSV without its last column (metrics.csv without the wall-clock seconds),
// for comparing a resumed run's log with an uninterrupted one's.
std::string without_last_column(const std::string& csv);

// Path inside the source tree.
std::string source_path(const std::string& relative);

// Runs the ldarts binary with arguments; returns the exit code and fills output
// with stdout and stderr together.
int run_ldarts(const std::string& args, std::string& output);
// The same for any shell command.
int run_command(const std::string& command, std::string& output);

}  // namespace ldarts::test

namespace ldarts::test {
// Writes `bytes` gzip-compressed.
void write_gzip(const std::string& path, const std::vector<unsigned char>& bytes);
// A pickle as Python 2's cPickle (protocol 2) writes an ImageNet16 batch:
// {'data': numpy uint8 [n, 768] via _reconstruct + BUILD with a BINSTRING, 'labels': [..]}.
std::vector<unsigned char> py2_imagenet16_pickle(const std::vector<int>& labels);
}  // namespace ldarts::test

// Expects `statement` to throw an exception whose message contains every one of
// the given substrings.
#define EXPECT_ERROR_WITH(statement, ...)                                          \
  do {                                                                             \
    try {                                                                          \
      statement;                                                                   \
      ADD_FAILURE() << "no exception from " #statement;                            \
    } catch (const std::exception& e) {                                            \
      for (const std::string& part : std::vector<std::string>{__VA_ARGS__})        \
        EXPECT_NE(std::string(e.what()).find(part), std::string::npos)             \
            << "message '" << e.what() << "' lacks '" << part << "'";              \
    }                                                                              \
  } while (0)

namespace ldarts::test {
// Starts the ldarts binary in the background with stdout+stderr to `log`;
// returns its pid.
int start_ldarts(const std::string& args, const std::string& log);
// Waits for a started process; returns its exit code (or -signal).
int wait_ldarts(int pid);
// Writes a small synthetic MNIST-format training set (n images of size×size,
// labels i % 10) into `dir`.
void write_tiny_mnist(const std::string& dir, int n, int size);
}  // namespace ldarts::test

#include <functional>
#include <optional>

namespace ldarts::test {
// How the interrupted run of interrupt_and_resume is stopped.
struct Interruption {
  std::string environment;            // "LDARTS_STOP_AT_STEP=5", "LDARTS_FAULT_SIGNAL=validation", ...
  std::optional<int> exit_code = 75;  // its exit code (75: preempted); nullopt: any but 0 (an injected fault)
  std::string extra_args;             // arguments of the interrupted run only (" --checkpoint-every 1")
};

// A run stopped by an injected signal or fault and resumed, beside the same run
// uninterrupted: `ldarts <args> --out <whole>` exits 0; `<environment> ldarts
// <args><extra_args> --out <cut>` stops with the exit code, and `check_stopped` sees
// its output (and the folder it left); `ldarts <args> --out <cut> --resume auto`
// exits 0 with `resume_output`. Fatal failures stop it: call it inside
// ASSERT_NO_FATAL_FAILURE; the test then compares the two folders.
void interrupt_and_resume(const std::string& args, const std::string& whole, const std::string& cut,
                          const Interruption& interruption,
                          const std::function<void(const std::string& output)>& check_stopped = {},
                          std::string* resume_output = nullptr);
}  // namespace ldarts::test
