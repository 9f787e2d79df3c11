#include "support/test_support.h"

#include "ldarts/core/files.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>

namespace ldarts::test {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/ldarts-test-XXXXXX";
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  remove_tree(path_);
}

void write_bytes(const std::string& path, const std::vector<unsigned char>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

static void put_u32(std::vector<unsigned char>& v, uint32_t x) {
  for (int shift = 24; shift >= 0; shift -= 8) v.push_back((x >> shift) & 0xFF);
}

std::vector<unsigned char> idx_images(uint32_t n, uint32_t rows, uint32_t cols, uint32_t magic) {
  std::vector<unsigned char> v;
  put_u32(v, magic);
  put_u32(v, n);
  put_u32(v, rows);
  put_u32(v, cols);
  for (uint32_t i = 0; i < n * rows * cols; ++i) v.push_back(static_cast<unsigned char>(i * 7 % 256));
  return v;
}

std::vector<unsigned char> idx_labels(const std::vector<unsigned char>& labels, uint32_t magic) {
  std::vector<unsigned char> v;
  put_u32(v, magic);
  put_u32(v, static_cast<uint32_t>(labels.size()));
  v.insert(v.end(), labels.begin(), labels.end());
  return v;
}

std::string without_last_column(const std::string& csv) {
  std::string out, line;
  std::istringstream in(csv);
  while (std::getline(in, line)) out += line.substr(0, line.rfind(',')) + "\n";
  return out;
}

std::string source_path(const std::string& relative) { return std::string(LDARTS_SOURCE_DIR) + "/" + relative; }

int run_ldarts(const std::string& args, std::string& output) {
  return run_command(std::string(LDARTS_BINARY) + " " + args, output);
}

int run_command(const std::string& command, std::string& output) {
  const std::string cmd = "(" + command + ") 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed");
  std::array<char, 4096> buf;
  output.clear();
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) output.append(buf.data(), n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace ldarts::test

#include <zlib.h>

namespace ldarts::test {
void write_gzip(const std::string& path, const std::vector<unsigned char>& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error("gzopen failed: " + path);
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
}
}  // namespace ldarts::test

#include <fcntl.h>

namespace ldarts::test {
int start_ldarts(const std::string& args, const std::string& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    execl("/bin/sh", "sh", "-c", ("exec " + std::string(LDARTS_BINARY) + " " + args).c_str(), (char*)nullptr);
    _exit(127);
  }
  return pid;
}

int wait_ldarts(int pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

void write_tiny_mnist(const std::string& dir, int n, int size) {
  std::vector<unsigned char> labels;
  for (int i = 0; i < n; ++i) labels.push_back(static_cast<unsigned char>(i % 10));
  write_bytes(dir + "/train-images-idx3-ubyte", idx_images(n, size, size));
  write_bytes(dir + "/train-labels-idx1-ubyte", idx_labels(labels));
}
}  // namespace ldarts::test

namespace ldarts::test {

// A pickle as Python 2's cPickle (protocol 2) writes an ImageNet16 batch:
// {'data': numpy uint8 [n, 768] via _reconstruct + BUILD with a BINSTRING, 'labels': [..]}.
std::vector<unsigned char> py2_imagenet16_pickle(const std::vector<int>& labels) {
  const int n = int(labels.size());
  std::vector<unsigned char> p;
  auto op = [&](std::initializer_list<int> bytes) { for (int x : bytes) p.push_back(static_cast<unsigned char>(x)); };
  auto text = [&](const std::string& t) { p.insert(p.end(), t.begin(), t.end()); };
  op({0x80, 2, '}', 'q', 0, '(', 'U', 4}), text("data"), op({'q', 1});
  text("cnumpy.core.multiarray\n_reconstruct\n"), op({'q', 2}), text("cnumpy\nndarray\n");
  op({'q', 3, 'K', 0, 0x85, 'U', 1}), text("b"), op({0x87, 'R', 'q', 4, '(', 'K', 1, 'K', n, 'M', 0, 3, 0x86});
  text("cnumpy\ndtype\n"), op({'q', 5, 'U', 2}), text("u1"), op({'K', 0, 'K', 1, 0x87, 'R', 'q', 6, '(', 'K', 3, 'U', 1});
  text("|NNN"), op({'J', 0xff, 0xff, 0xff, 0xff, 'J', 0xff, 0xff, 0xff, 0xff, 'K', 0, 't', 'b', 0x89, 'T'});
  const uint32_t size = uint32_t(n * 768);
  op({int(size & 0xFF), int((size >> 8) & 0xFF), int((size >> 16) & 0xFF), int(size >> 24)});
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < 768; ++j) p.push_back(static_cast<unsigned char>((i * 31 + j) % 251));
  text("tb"), op({'U', 6}), text("labels"), op({'q', 7, ']', 'q', 8, '('});
  for (int l : labels) l < 256 ? op({'K', l}) : op({'M', l & 0xFF, l >> 8});
  text("eu.");
  return p;
}

}  // namespace ldarts::test

#include <gtest/gtest.h>

namespace ldarts::test {
void interrupt_and_resume(const std::string& args, const std::string& whole, const std::string& cut,
                          const Interruption& interruption,
                          const std::function<void(const std::string&)>& check_stopped, std::string* resume_output) {
  std::string out;
  ASSERT_EQ(run_ldarts(args + " --out " + whole, out), 0) << out;
  const int code = run_command(interruption.environment + " " + LDARTS_BINARY + " " + args + interruption.extra_args +
                                   " --out " + cut,
                               out);
  if (interruption.exit_code) {
    ASSERT_EQ(code, *interruption.exit_code) << out;
  } else {
    ASSERT_NE(code, 0) << out;
  }
  if (check_stopped) check_stopped(out);
  if (::testing::Test::HasFatalFailure()) return;
  ASSERT_EQ(run_ldarts(args + " --out " + cut + " --resume auto", out), 0) << out;
  if (resume_output) *resume_output = out;
}
}  // namespace ldarts::test
