#include "ldarts/io/checkpoint.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <hdf5.h>
#include <zlib.h>

#include <ATen/ATen.h>

#include "ldarts/core/bytes.h"
#include "ldarts/core/error.h"
#include "ldarts/core/files.h"

namespace ldarts {
namespace {

// HDF5 handles closed on scope exit.
struct Handle {
  hid_t id;
  herr_t (*close)(hid_t);
  Handle(hid_t i, herr_t (*c)(hid_t)) : id(i), close(c) {}
  ~Handle() {
    if (id >= 0) close(id);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
};

void silence_hdf5() {
  static bool done = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // we report errors ourselves
    return true;
  }();
  (void)done;
}

hid_t hdf5_type(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return H5T_NATIVE_FLOAT;
    case at::kDouble: return H5T_NATIVE_DOUBLE;
    case at::kLong: return H5T_NATIVE_INT64;
    case at::kByte: return H5T_NATIVE_UINT8;
    default: fail("checkpoint: unsupported tensor type ", c10::toString(t));
  }
}

// One chunked dataset with a Fletcher-32 checksum; `dims` may not be empty.
void write_dataset(hid_t file, const std::string& path, hid_t type, const std::vector<hsize_t>& dims,
                   const void* data) {
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.id, 1);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  std::vector<hsize_t> chunk = dims;
  for (auto& c : chunk) c = std::max<hsize_t>(c, 1);
  H5Pset_chunk(dcpl.id, static_cast<int>(chunk.size()), chunk.data());
  H5Pset_fletcher32(dcpl.id);
  Handle set(H5Dcreate2(file, path.c_str(), type, space.id, lcpl.id, dcpl.id, H5P_DEFAULT), H5Dclose);
  LDARTS_CHECK(set.id >= 0, "checkpoint: cannot create dataset ", path);
  LDARTS_CHECK(H5Dwrite(set.id, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0, "checkpoint: cannot write ", path);
}

hid_t string_type(size_t length) {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, std::max<size_t>(length, 1));
  H5Tset_strpad(t, H5T_STR_NULLPAD);
  return t;
}

// The header in the 512-byte HDF5 user block (docs/checkpoint-format.md): magic,
// the file's length and the CRC-32 of the whole file, checked before HDF5 parses
// anything (HDF5 1.10 can crash on a damaged file instead of reporting it).
constexpr hsize_t kUserBlock = 512;
constexpr unsigned char kMagic[8] = {'L', 'D', 'A', 'R', 'T', 'S', 'C', 'K'};
constexpr unsigned char kHdf5Signature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
constexpr size_t kLengthAt = 8, kCrcAt = 16, kHeaderBytes = 20;

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// CRC-32 (zlib) of the whole file, its 4 CRC bytes read as zeros; `length`: the bytes read.
bool file_crc(int fd, uint32_t& crc, uint64_t& length) {
  std::vector<unsigned char> buffer(1 << 20);
  uLong c = crc32(0L, Z_NULL, 0);
  length = 0;
  for (;;) {
    const ssize_t n = ::pread(fd, buffer.data(), buffer.size(), static_cast<off_t>(length));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) break;
    for (uint64_t k = kCrcAt; k < kCrcAt + 4; ++k)
      if (k >= length && k < length + uint64_t(n)) buffer[k - length] = 0;
    c = crc32(c, buffer.data(), static_cast<uInt>(n));
    length += uint64_t(n);
  }
  crc = static_cast<uint32_t>(c);
  return true;
}

bool write_at(int fd, const unsigned char* data, size_t size, off_t at) {
  return ::lseek(fd, at, SEEK_SET) == at && write_all(fd, reinterpret_cast<const char*>(data), size) == 0;
}

// Fills in the header of the closed HDF5 file `tmp` and flushes it to disk.
void seal(const std::string& tmp) {
  Fd file{::open(tmp.c_str(), O_RDWR)};
  LDARTS_CHECK(file.fd >= 0, "cannot reopen checkpoint file ", tmp, ": ", std::strerror(errno));
  const off_t size = ::lseek(file.fd, 0, SEEK_END);
  unsigned char header[kHeaderBytes] = {};
  std::memcpy(header, kMagic, sizeof kMagic);
  write_little_endian(header + kLengthAt, uint64_t(size), 8);
  uint32_t crc = 0;
  uint64_t length = 0;
  LDARTS_CHECK(size >= off_t(kUserBlock) && write_at(file.fd, header, kHeaderBytes, 0) &&
                   file_crc(file.fd, crc, length) && length == uint64_t(size),
               "cannot write the header of checkpoint file ", tmp, ": ", std::strerror(errno));
  write_little_endian(header + kCrcAt, crc, 4);
  LDARTS_CHECK(write_at(file.fd, header + kCrcAt, 4, kCrcAt) && ::fsync(file.fd) == 0,
               "cannot write the header of checkpoint file ", tmp, ": ", std::strerror(errno));
}

// The header check of read_checkpoint. Files that start with the HDF5 signature
// (ldarts 0.1, no header) are left to HDF5 and its per-dataset Fletcher-32 checksums.
void verify_header(const std::string& path) {
  Fd file{::open(path.c_str(), O_RDONLY)};
  LDARTS_CHECK(file.fd >= 0, "cannot open checkpoint ", path, ": ", std::strerror(errno));
  unsigned char header[kHeaderBytes] = {};
  const ssize_t n = ::pread(file.fd, header, kHeaderBytes, 0);
  if (n >= 8 && std::memcmp(header, kHdf5Signature, 8) == 0) return;
  LDARTS_CHECK(n == ssize_t(kHeaderBytes) && std::memcmp(header, kMagic, sizeof kMagic) == 0, path,
               " is not an ldarts checkpoint (no ldarts header and not an HDF5 file; damaged or truncated)");
  uint32_t crc = 0;
  uint64_t length = 0;
  LDARTS_CHECK(file_crc(file.fd, crc, length), "cannot read checkpoint ", path, ": ", std::strerror(errno));
  LDARTS_CHECK(length == read_little_endian(header + kLengthAt, 8), path, ": the checkpoint has ", length,
               " bytes, its header says ", read_little_endian(header + kLengthAt, 8),
               " (truncated or damaged; resume from an older checkpoint)");
  LDARTS_CHECK(crc == read_little_endian(header + kCrcAt, 4), path,
               ": the checkpoint fails its checksum (CRC-32 of the file; corrupt, resume from an older checkpoint)");
}

// Collects the paths of all datasets below the root.
// A bounded walk instead of H5Ovisit, which loops forever on a damaged file whose
// groups link in a cycle (found by fuzzing past the CRC, issue 24): at most 16 levels
// (a key has 3-6) and a fixed budget of links; only hard links are followed.
constexpr int kMaxDepth = 16;

herr_t child_name(hid_t, const char* name, const H5L_info_t* info, void* out) {
  auto& names = *static_cast<std::vector<std::string>*>(out);
  if (info->type == H5L_TYPE_HARD) names.push_back(name);
  return names.size() > (1u << 20) ? 1 : 0;  // stop: no checkpoint has a million entries in one group
}

void collect(hid_t group, const std::string& prefix, int depth, std::vector<std::string>& out, size_t& budget,
             const std::string& path) {
  LDARTS_CHECK(depth <= kMaxDepth, path, ": groups nested deeper than ", kMaxDepth, " levels (damaged file)");
  std::vector<std::string> names;
  LDARTS_CHECK(H5Literate(group, H5_INDEX_NAME, H5_ITER_NATIVE, nullptr, child_name, &names) >= 0 &&
                   names.size() <= (1u << 20),
               path, ": cannot list the group '", prefix, "' (damaged file)");
  for (const std::string& name : names) {
    LDARTS_CHECK(budget-- > 0, path, ": more objects than a checkpoint holds (damaged file)");
    H5O_info_t info;
    LDARTS_CHECK(H5Oget_info_by_name(group, name.c_str(), &info, H5P_DEFAULT) >= 0, path, ": cannot read the object '",
                 prefix + name, "' (damaged file)");
    if (info.type == H5O_TYPE_DATASET) {
      out.push_back(prefix + name);
    } else if (info.type == H5O_TYPE_GROUP) {
      Handle child(H5Gopen2(group, name.c_str(), H5P_DEFAULT), H5Gclose);
      LDARTS_CHECK(child.id >= 0, path, ": cannot open the group '", prefix + name, "' (damaged file)");
      collect(child.id, prefix + name + "/", depth + 1, out, budget, path);
    }
  }
}

}  // namespace

const at::Tensor& Checkpoint::tensor(const std::string& key) const {
  auto it = tensors.find(key);
  LDARTS_CHECK(it != tensors.end(), source, ": checkpoint has no dataset '", key, "'");
  return it->second;
}
int64_t Checkpoint::integer(const std::string& key) const {
  auto it = integers.find(key);
  LDARTS_CHECK(it != integers.end(), source, ": checkpoint has no integer '", key, "'");
  return it->second;
}
double Checkpoint::number(const std::string& key) const {
  auto it = doubles.find(key);
  LDARTS_CHECK(it != doubles.end(), source, ": checkpoint has no number '", key, "'");
  return it->second;
}
const std::string& Checkpoint::string(const std::string& key) const {
  auto it = strings.find(key);
  LDARTS_CHECK(it != strings.end(), source, ": checkpoint has no string '", key, "'");
  return it->second;
}

// The HDF5 part of write_checkpoint: every dataset, after a user block for the header.
static void write_hdf5(const std::string& tmp, const Checkpoint& c, int64_t format) {
  Handle fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose);
  H5Pset_userblock(fcpl.id, kUserBlock);
  Handle file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, fcpl.id, H5P_DEFAULT), H5Fclose);
  LDARTS_CHECK(file.id >= 0, "cannot create checkpoint file ", tmp);
  write_dataset(file.id, "format_version", H5T_NATIVE_INT64, {1}, &format);
  for (const auto& [key, value] : c.tensors) {
    const at::Tensor t = value.detach().to(at::kCPU).contiguous();
    std::vector<hsize_t> dims(t.sizes().begin(), t.sizes().end());
    if (dims.empty()) dims.push_back(1);  // 0-dim tensors become [1]; the reader keeps the shape as stored
    write_dataset(file.id, "tensors/" + key, hdf5_type(t.scalar_type()), dims, t.data_ptr());
  }
  for (const auto& [key, value] : c.integers) write_dataset(file.id, "integers/" + key, H5T_NATIVE_INT64, {1}, &value);
  for (const auto& [key, value] : c.doubles) write_dataset(file.id, "doubles/" + key, H5T_NATIVE_DOUBLE, {1}, &value);
  for (const auto& [key, value] : c.strings) {
    Handle type(string_type(value.size()), H5Tclose);
    std::string padded = value.empty() ? std::string(1, '\0') : value;
    write_dataset(file.id, "strings/" + key, type.id, {1}, padded.data());
  }
  LDARTS_CHECK(H5Fflush(file.id, H5F_SCOPE_GLOBAL) >= 0, "cannot flush checkpoint file ", tmp);
}

// Run ids of checkpoint files already read or written by this process, keyed by path and
// checked against the file's size and modification time: rotation asks for the id of every
// kept checkpoint after every write, and each answer would otherwise read the whole file
// for its CRC (hundreds of MB per checkpoint for an ImageNet run).
struct KnownId {
  off_t size;
  struct timespec mtime;
  std::string id;
};
static std::map<std::string, KnownId> known_ids;

static bool same_file(const struct stat& st, const KnownId& k) {
  return st.st_size == k.size && st.st_mtim.tv_sec == k.mtime.tv_sec && st.st_mtim.tv_nsec == k.mtime.tv_nsec;
}

static void remember_id(const std::string& path, const std::string& id) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) known_ids[path] = KnownId{st.st_size, st.st_mtim, id};
}

void write_checkpoint(const std::string& path, const Checkpoint& c, int64_t format) {
  silence_hdf5();
  const std::string tmp = path + ".tmp";
  try {
    write_hdf5(tmp, c, format);  // closed on return
    seal(tmp);
  } catch (...) {
    ::unlink(tmp.c_str());  // the previous checkpoint at `path` is untouched
    throw;
  }
  LDARTS_CHECK(::rename(tmp.c_str(), path.c_str()) == 0, "cannot rename ", tmp, " to ", path, ": ", std::strerror(errno));
  sync_folder(parent_folder(path));
  const auto id = c.strings.find("run/run_id");
  remember_id(path, id == c.strings.end() ? "" : id->second);
}

void seal_checkpoint(const std::string& path) { seal(path); }

void write_raw_checkpoint(const std::string& path, const std::vector<RawDataset>& datasets, bool sealed,
                          bool user_block) {
  silence_hdf5();
  {
    Handle fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose);
    if (user_block) H5Pset_userblock(fcpl.id, kUserBlock);
    Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.id, H5P_DEFAULT), H5Fclose);
    LDARTS_CHECK(file.id >= 0, "cannot create ", path);
    for (const RawDataset& d : datasets) {
      Handle type(d.type_class == 's' ? string_type(d.type_size)
                  : H5Tcopy(d.type_class == 'f' ? (d.type_size == 4 ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE)
                                                : (d.type_size == 1 ? H5T_NATIVE_UINT8 : H5T_NATIVE_INT64)),
                  H5Tclose);
      std::vector<hsize_t> dims(d.dims.begin(), d.dims.end());
      Handle space(dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(int(dims.size()), dims.data(), nullptr),
                   H5Sclose);
      Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
      H5Pset_create_intermediate_group(lcpl.id, 1);
      Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
      if (!dims.empty() && std::find(dims.begin(), dims.end(), hsize_t(0)) == dims.end()) {
        uint64_t count = 1;
        for (hsize_t n : dims) count = count > (uint64_t(1) << 40) / n ? (uint64_t(1) << 40) : count * n;
        // One chunk when it is small; else chunks of one value, so that an unwritten dataset stays sparse.
        std::vector<hsize_t> chunk = count * d.type_size <= (1u << 20) ? dims : std::vector<hsize_t>(dims.size(), 1);
        H5Pset_chunk(dcpl.id, int(chunk.size()), chunk.data());
      }
      Handle set(H5Dcreate2(file.id, d.path.c_str(), type.id, space.id, lcpl.id, dcpl.id, H5P_DEFAULT), H5Dclose);
      LDARTS_CHECK(set.id >= 0, "cannot create dataset ", d.path, " in ", path);
      uint64_t count = 1;
      for (uint64_t n : d.dims) count *= n;
      if (!d.bytes.empty() && d.bytes.size() >= count * d.type_size)
        LDARTS_CHECK(H5Dwrite(set.id, type.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, d.bytes.data()) >= 0,
                     "cannot write dataset ", d.path);
    }
  }
  if (sealed && user_block) seal(path);
}

// Longer than the other functions on purpose: one pass over a file that may be hostile,
// each check right before the HDF5 call it guards (CRC, bounded walk, sizes before
// allocation), so that the order of the checks can be read top to bottom.
Checkpoint read_checkpoint(const std::string& path) {
  silence_hdf5();
  LDARTS_CHECK(file_exists(path), "checkpoint ", path, " does not exist");
  verify_header(path);
  LDARTS_CHECK(H5Fis_hdf5(path.c_str()) > 0, path, " is not an HDF5 file (or is truncated)");
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  LDARTS_CHECK(file.id >= 0, "cannot open checkpoint ", path, " (truncated or damaged HDF5 file)");
  std::vector<std::string> names;
  size_t budget = 1u << 20;
  collect(file.id, "", 0, names, budget, path);
  Checkpoint c;
  c.source = path;
  struct stat st;
  LDARTS_CHECK(::stat(path.c_str(), &st) == 0, "cannot stat checkpoint ", path, ": ", std::strerror(errno));
  const uint64_t file_bytes = uint64_t(st.st_size);
  for (const std::string& name : names) {
    Handle set(H5Dopen2(file.id, name.c_str(), H5P_DEFAULT), H5Dclose);
    LDARTS_CHECK(set.id >= 0, path, ": cannot open dataset '", name, "'");
    Handle space(H5Dget_space(set.id), H5Sclose);
    Handle type(H5Dget_type(set.id), H5Tclose);
    const int rank = H5Sget_simple_extent_ndims(space.id);
    LDARTS_CHECK(rank >= 1 && rank <= 8, path, ": dataset '", name, "' has no shape (or ", rank, " dimensions)");
    std::vector<hsize_t> dims(rank);
    H5Sget_simple_extent_dims(space.id, dims.data(), nullptr);
    // Every read below is bounded by the dataset's own size, checked first: H5S_ALL reads all of
    // it, so a crafted file with 1000 "scalars" would write past one variable.
    const H5T_class_t cls = H5Tget_class(type.id);
    const size_t type_size = H5Tget_size(type.id);
    uint64_t elements = 1;
    for (hsize_t d : dims) {
      LDARTS_CHECK(d <= file_bytes && (d == 0 || elements <= file_bytes / d), path, ": dataset '", name,
                   "' is larger than the file (damaged or crafted)");
      elements *= d;
    }
    LDARTS_CHECK(type_size > 0 && elements <= file_bytes / type_size, path, ": dataset '", name, "' holds ",
                 elements, " values of ", type_size, " bytes, more than the file's ", file_bytes, " bytes");
    // The storage must hold what the dataspace says: HDF5 1.10 copies past its buffers when a
    // damaged layout message says less (found by fuzzing past the CRC, issue 24).
    {
      Handle dcpl(H5Dget_create_plist(set.id), H5Pclose);
      const H5D_layout_t layout = H5Pget_layout(dcpl.id);
      const uint64_t needed = elements * type_size;
      const hsize_t stored = H5Dget_storage_size(set.id);
      if (layout == H5D_CONTIGUOUS) {
        const haddr_t at = H5Dget_offset(set.id);
        LDARTS_CHECK(needed == 0 || (at != HADDR_UNDEF && stored >= needed && at <= file_bytes &&
                                     needed <= file_bytes - at),
                     path, ": dataset '", name, "' is not stored where its layout says (damaged file)");
      } else if (layout == H5D_COMPACT) {
        LDARTS_CHECK(stored >= needed, path, ": dataset '", name, "' is shorter than its shape (damaged file)");
      } else {
        LDARTS_CHECK(layout == H5D_CHUNKED, path, ": dataset '", name, "' has an unknown storage layout");
        const int chunk_rank = H5Pget_chunk(dcpl.id, 0, nullptr);
        LDARTS_CHECK(chunk_rank == rank, path, ": dataset '", name, "' has chunks of another rank (damaged file)");
        // ldarts writes every chunk (plus a 4-byte checksum each): less stored is a damaged file.
        LDARTS_CHECK(stored >= needed, path, ": dataset '", name, "' stores ", stored, " bytes for ", needed,
                     " bytes of values (damaged file)");
      }
    }
    // Integers and numbers as ldarts writes them (64-bit), so that HDF5 converts no types
    // (its conversion path copied past a buffer of its own for a damaged type, under ASan).
    auto expect_one = [&](H5T_class_t wanted, const char* what) {
      const bool native = cls == H5T_STRING ? H5Tis_variable_str(type.id) == 0 : type_size == 8;
      LDARTS_CHECK(elements == 1 && cls == wanted && native, path,
                   ": dataset '", name, "' must hold one ", what, ", it holds ", elements, " values of another type "
                   "(damaged or crafted)");
    };
    auto read = [&](hid_t mem_type, void* dst) {
      LDARTS_CHECK(H5Dread(set.id, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, dst) >= 0, path, ": dataset '", name,
                   "' is unreadable or fails its checksum (corrupt file)");
    };
    const auto slash = name.find('/');
    const std::string group = slash == std::string::npos ? "" : name.substr(0, slash);
    const std::string key = slash == std::string::npos ? name : name.substr(slash + 1);
    if (name == "format_version") {
      expect_one(H5T_INTEGER, "integer");
      int64_t format = 0;
      read(H5T_NATIVE_INT64, &format);
      LDARTS_CHECK(format == kCheckpointFormat, path, ": checkpoint format version ", format,
                   ", this ldarts reads version ", kCheckpointFormat);
      c.integers["format_version"] = format;
    } else if (group == "tensors") {
      std::vector<int64_t> shape(dims.begin(), dims.end());
      at::ScalarType st;
      if (cls == H5T_FLOAT && type_size == 4) st = at::kFloat;
      else if (cls == H5T_FLOAT && type_size == 8) st = at::kDouble;
      else if (cls == H5T_INTEGER && type_size == 8) st = at::kLong;
      else if (cls == H5T_INTEGER && type_size == 1) st = at::kByte;
      else fail(path, ": dataset '", name, "' has an unsupported type");
      at::Tensor t = at::empty(shape, st);
      read(hdf5_type(st), t.data_ptr());
      c.tensors[key] = t;
    } else if (group == "integers") {
      expect_one(H5T_INTEGER, "integer");
      int64_t v = 0;
      read(H5T_NATIVE_INT64, &v);
      c.integers[key] = v;
    } else if (group == "doubles") {
      expect_one(H5T_FLOAT, "number");
      double v = 0;
      read(H5T_NATIVE_DOUBLE, &v);
      c.doubles[key] = v;
    } else if (group == "strings") {
      expect_one(H5T_STRING, "string");
      std::string v(type_size, '\0');
      Handle mem(string_type(v.size()), H5Tclose);
      read(mem.id, v.data());
      v.resize(std::strlen(v.c_str()));
      c.strings[key] = v;
    }
  }
  LDARTS_CHECK(c.integers.count("format_version"), path, ": not an ldarts checkpoint (no format_version)");
  return c;
}

std::string checkpoint_name(int64_t global_step) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "checkpoint-%09lld.h5", static_cast<long long>(global_step));
  return buf;
}

static std::vector<std::string> checkpoint_files(const std::string& folder) {
  std::vector<std::string> files;
  if (DIR* dir = ::opendir(folder.c_str())) {
    while (const dirent* e = ::readdir(dir)) {
      const std::string name = e->d_name;
      if (name.size() == 23 && name.rfind("checkpoint-", 0) == 0 && name.compare(20, 3, ".h5") == 0 &&
          name.find(".tmp") == std::string::npos)
        files.push_back(name);
    }
    ::closedir(dir);
  }
  std::sort(files.begin(), files.end());  // zero-padded: lexical = numeric order
  return files;
}

std::string latest_checkpoint(const std::string& folder) {
  const auto files = checkpoint_files(folder);
  return files.empty() ? "" : folder + "/" + files.back();
}

static std::optional<std::string> read_run_id(const std::string& path);

std::optional<std::string> checkpoint_run_id(const std::string& path) {
  silence_hdf5();
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  const auto known = known_ids.find(path);
  if (known != known_ids.end() && same_file(st, known->second)) return known->second.id;
  const std::optional<std::string> id = read_run_id(path);
  if (id) remember_id(path, *id);
  return id;
}

// The uncached part of checkpoint_run_id: the CRC of the whole file, then one dataset.
static std::optional<std::string> read_run_id(const std::string& path) {
  try {
    verify_header(path);  // HDF5 parses only files that pass their CRC
  } catch (const Error&) {
    return std::nullopt;
  }
  if (H5Fis_hdf5(path.c_str()) <= 0) return std::nullopt;
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (file.id < 0) return std::nullopt;
  const char* name = "strings/run/run_id";
  if (H5Lexists(file.id, "strings", H5P_DEFAULT) <= 0 || H5Lexists(file.id, "strings/run", H5P_DEFAULT) <= 0 ||
      H5Lexists(file.id, name, H5P_DEFAULT) <= 0)
    return std::string();
  Handle set(H5Dopen2(file.id, name, H5P_DEFAULT), H5Dclose);
  if (set.id < 0) return std::nullopt;
  Handle space(H5Dget_space(set.id), H5Sclose);
  Handle type(H5Dget_type(set.id), H5Tclose);
  const size_t size = H5Tget_size(type.id);
  if (H5Sget_simple_extent_npoints(space.id) != 1 || H5Tget_class(type.id) != H5T_STRING || size == 0 || size > 256)
    return std::nullopt;
  std::string v(size, '\0');
  Handle mem(string_type(size), H5Tclose);
  if (H5Dread(set.id, mem.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0) return std::nullopt;
  v.resize(std::strlen(v.c_str()));
  return v;
}

std::optional<Checkpoint> read_newest_checkpoint(const std::string& folder, const std::string& run_id,
                                                 const std::function<void(const std::string&)>& warn) {
  const auto files = checkpoint_files(folder);
  std::string failures, foreign;
  for (auto it = files.rbegin(); it != files.rend(); ++it) {
    const std::string path = folder + "/" + *it;
    const auto id = checkpoint_run_id(path);
    if (id && !id->empty() && *id != run_id) {  // another run's: never resumed, never deleted
      foreign += (foreign.empty() ? "" : ", ") + *it + " (run " + *id + ")";
      continue;
    }
    try {
      Checkpoint c = read_checkpoint(path);
      if (!failures.empty() && warn)
        warn("resuming from " + path + ", the newest checkpoint that loads; newer ones failed: " + failures);
      if (!foreign.empty() && warn)
        warn(folder + " holds checkpoints of another run, left alone: " + foreign + " (this folder's run is " +
             run_id + ", by its run.json)");
      return c;
    } catch (const std::exception& e) {  // Error for a bad file; anything else is a bad file too here
      failures += (failures.empty() ? "" : "; ") + std::string(e.what());
    }
  }
  LDARTS_CHECK(failures.empty(), "--resume auto: no checkpoint in ", folder, " loads: ", failures,
               " (start afresh in another folder, or name a checkpoint with --resume FILE)");
  if (!foreign.empty() && warn)
    warn(folder + " holds only checkpoints of another run, left alone: " + foreign + "; this run (" + run_id +
         ") starts afresh");
  return std::nullopt;
}

void rotate_checkpoints(const std::string& folder, int keep, const std::string& run_id) {
  std::vector<std::string> ours;
  for (const std::string& name : checkpoint_files(folder)) {
    const auto id = checkpoint_run_id(folder + "/" + name);
    if (id && (id->empty() || *id == run_id)) ours.push_back(name);
  }
  if (ours.empty()) return;
  for (size_t i = 0; keep > 0 && i + keep < ours.size(); ++i) ::unlink((folder + "/" + ours[i]).c_str());
  const std::string link = folder + "/latest.h5", tmp = link + ".tmp";
  ::unlink(tmp.c_str());
  if (::symlink(ours.back().c_str(), tmp.c_str()) == 0) ::rename(tmp.c_str(), link.c_str());
  sync_folder(folder);
}

void remove_stale_temporaries(const std::string& folder) {
  if (!is_directory(folder)) return;
  for (const std::string& name : list_dir(folder, false))
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0) ::unlink((folder + "/" + name).c_str());
}

}  // namespace ldarts
