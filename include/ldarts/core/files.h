// Small file-system helpers on POSIX calls. (std::filesystem is avoided on
// purpose: the PyPI LibTorch exports its own, incompatible copies of some
// std::filesystem symbols, and remove_all crashed through them.)
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ldarts {

// mkdir -p; a failure is a user error naming the folder.
void make_dirs(const std::string& path);
// Writes `text` to path.tmp, flushes, then renames over `path` and flushes the
// folder: a reader never sees a half-written file, and a crash keeps one version.
void write_file_atomically(const std::string& path, const std::string& text);
// Writes all `size` bytes to `fd` (retrying short writes and EINTR); 0, or the errno of the failure.
int write_all(int fd, const char* data, size_t size);
// The folder part of `path` ("." for a bare name).
std::string parent_folder(const std::string& path);
// fsync of a folder, so that renames and unlinks in it survive a crash; best effort.
void sync_folder(const std::string& folder);
// rm -rf (for tests and temporary folders); errors are ignored.
void remove_tree(const std::string& path);
bool file_exists(const std::string& path);
bool is_directory(const std::string& path);
// Names in a folder (no "." and ".."), sorted; `folders`: only subfolders, else only files.
std::vector<std::string> list_dir(const std::string& path, bool folders);
// The whole file; an Error naming it when it cannot be read.
std::vector<unsigned char> read_file_bytes(const std::string& path);

}  // namespace ldarts
