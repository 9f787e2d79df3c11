#include "ldarts/core/files.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <algorithm>
#include <cstring>
#include <fstream>

#include "ldarts/core/error.h"

namespace ldarts {

void make_dirs(const std::string& path) {
  for (size_t pos = 1; pos <= path.size(); ++pos) {
    if (pos != path.size() && path[pos] != '/') continue;
    const std::string prefix = path.substr(0, pos);
    if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST)
      fail("cannot create folder ", prefix, ": ", std::strerror(errno));
  }
  struct stat st;
  LDARTS_CHECK(::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode), path, " is not a folder");
}

int write_all(int fd, const char* data, size_t size) {
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd, data + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    done += static_cast<size_t>(n);
  }
  return 0;
}

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  LDARTS_CHECK(fd >= 0, "cannot write ", tmp, ": ", std::strerror(errno));
  if (const int err = write_all(fd, text.data(), text.size())) {
    ::close(fd);
    fail("writing ", tmp, " failed: ", std::strerror(err));
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  LDARTS_CHECK(synced, "flushing ", tmp, " failed: ", std::strerror(errno));
  LDARTS_CHECK(::rename(tmp.c_str(), path.c_str()) == 0, "cannot rename ", tmp, " to ", path, ": ",
               std::strerror(errno));
  sync_folder(parent_folder(path));
}

std::string parent_folder(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

void sync_folder(const std::string& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

void remove_tree(const std::string& path) {
  // Best effort: what cannot be removed stays, and the walk goes on (return 0).
  auto remove_one = [](const char* p, const struct stat*, int, struct FTW*) {
    (void)::remove(p);
    return 0;
  };
  ::nftw(path.c_str(), remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

bool is_directory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::vector<std::string> list_dir(const std::string& path, bool folders) {
  DIR* dir = ::opendir(path.c_str());
  LDARTS_CHECK(dir != nullptr, "cannot list folder ", path, ": ", std::strerror(errno));
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    if (is_directory(path + "/" + name) == folders) names.push_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<unsigned char> read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  LDARTS_CHECK(in, "cannot read ", path, ": ", std::strerror(errno));
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LDARTS_CHECK(!in.bad(), "error while reading ", path);
  return bytes;
}

}  // namespace ldarts
