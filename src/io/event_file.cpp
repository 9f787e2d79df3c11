#include "ldarts/io/event_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "ldarts/core/bytes.h"
#include "ldarts/core/error.h"
#include "ldarts/core/files.h"

namespace ldarts {

// ---- CRC-32C -----------------------------------------------------------------------

namespace {

// Byte-at-a-time table for the reflected Castagnoli polynomial 0x82F63B78.
constexpr std::array<uint32_t, 256> make_crc32c_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t byte = 0; byte < 256; ++byte) {
    uint32_t crc = byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1) ? 0x82F63B78u : 0u);
    table[byte] = crc;
  }
  return table;
}
constexpr std::array<uint32_t, 256> kCrc32cTable = make_crc32c_table();

}  // namespace

uint32_t crc32c(const unsigned char* data, size_t size) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; ++i) crc = (crc >> 8) ^ kCrc32cTable[(crc ^ data[i]) & 0xFF];
  return crc ^ 0xFFFFFFFFu;
}

uint32_t masked_crc32c(const unsigned char* data, size_t size) {
  const uint32_t crc = crc32c(data, size);
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

namespace {

// ---- protobuf encoding (the wire format, for the handful of fields used) ---------------

// Field numbers of tensorflow/core/util/event.proto and framework/summary.proto.
constexpr uint32_t kEventWallTime = 1;     // double
constexpr uint32_t kEventStep = 2;         // int64
constexpr uint32_t kEventFileVersion = 3;  // string
constexpr uint32_t kEventSummary = 5;      // Summary
constexpr uint32_t kSummaryValue = 1;      // repeated Summary.Value
constexpr uint32_t kValueTag = 1;          // string
constexpr uint32_t kValueSimpleValue = 2;  // float

enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

void put_varint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void put_little_endian(std::string& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

void put_key(std::string& out, uint32_t field, WireType wire) { put_varint(out, (uint64_t{field} << 3) | wire); }

void put_double(std::string& out, uint32_t field, double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  put_key(out, field, kFixed64);
  put_little_endian(out, bits, 8);
}

void put_float(std::string& out, uint32_t field, float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  put_key(out, field, kFixed32);
  put_little_endian(out, bits, 4);
}

void put_int64(std::string& out, uint32_t field, int64_t value) {
  put_key(out, field, kVarint);
  put_varint(out, static_cast<uint64_t>(value));  // negative int64: ten bytes, as protobuf does
}

void put_bytes(std::string& out, uint32_t field, const std::string& bytes) {
  put_key(out, field, kLengthDelimited);
  put_varint(out, bytes.size());
  out += bytes;
}

std::string file_version_event(double wall_time) {
  std::string event;
  put_double(event, kEventWallTime, wall_time);
  put_bytes(event, kEventFileVersion, "brain.Event:2");
  return event;
}

std::string scalar_event(const std::string& tag, int64_t step, double value, double wall_time) {
  std::string summary_value;
  put_bytes(summary_value, kValueTag, tag);
  put_float(summary_value, kValueSimpleValue, static_cast<float>(value));
  std::string summary;
  put_bytes(summary, kSummaryValue, summary_value);
  std::string event;
  put_double(event, kEventWallTime, wall_time);
  put_int64(event, kEventStep, step);
  put_bytes(event, kEventSummary, summary);
  return event;
}

// ---- protobuf decoding ---------------------------------------------------------------

// Reads fields off a message's bytes; every read returns false on malformed input.
struct ProtoCursor {
  const unsigned char* at;
  const unsigned char* end;

  bool done() const { return at == end; }
  bool varint(uint64_t& value) {
    value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at == end) return false;
      const unsigned char byte = *at++;
      value |= uint64_t{byte & 0x7Fu} << shift;
      if (!(byte & 0x80)) return true;
    }
    return false;
  }
  bool little_endian(int bytes, uint64_t& value) {
    if (end - at < bytes) return false;
    value = 0;
    for (int i = 0; i < bytes; ++i) value |= uint64_t{at[i]} << (8 * i);
    at += bytes;
    return true;
  }
  bool key(uint32_t& field, uint32_t& wire) {
    uint64_t k;
    if (!varint(k) || (k >> 3) == 0 || (k >> 3) > 0x1FFFFFFF) return false;
    field = static_cast<uint32_t>(k >> 3);
    wire = static_cast<uint32_t>(k & 7);
    return true;
  }
  bool bytes(ProtoCursor& inner) {
    uint64_t size;
    if (!varint(size) || size > static_cast<uint64_t>(end - at)) return false;
    inner = {at, at + size};
    at += size;
    return true;
  }
  bool skip(uint32_t wire) {
    uint64_t ignored;
    ProtoCursor inner{nullptr, nullptr};
    switch (wire) {
      case kVarint: return varint(ignored);
      case kFixed64: return little_endian(8, ignored);
      case kLengthDelimited: return bytes(inner);
      case kFixed32: return little_endian(4, ignored);
      default: return false;  // groups (3, 4) are not in event.proto
    }
  }
};

// Summary.Value: appends it to `out` when it holds a simple_value.
bool decode_value(ProtoCursor in, std::vector<EventScalar>& out) {
  EventScalar scalar;
  bool has_simple_value = false;
  while (!in.done()) {
    uint32_t field, wire;
    if (!in.key(field, wire)) return false;
    if (field == kValueTag && wire == kLengthDelimited) {
      ProtoCursor tag{nullptr, nullptr};
      if (!in.bytes(tag)) return false;
      scalar.tag.assign(reinterpret_cast<const char*>(tag.at), tag.end - tag.at);
    } else if (field == kValueSimpleValue && wire == kFixed32) {
      uint64_t bits;
      if (!in.little_endian(4, bits)) return false;
      const uint32_t bits32 = static_cast<uint32_t>(bits);
      std::memcpy(&scalar.value, &bits32, sizeof bits32);
      has_simple_value = true;
    } else if (!in.skip(wire)) {
      return false;
    }
  }
  if (has_simple_value) out.push_back(std::move(scalar));
  return true;
}

// Event: appends its simple_value scalars (stamped with its step and wall time) to `out`.
bool decode_event(ProtoCursor in, std::vector<EventScalar>& out) {
  const size_t first = out.size();
  int64_t step = 0;
  double wall_time = 0;
  while (!in.done()) {
    uint32_t field, wire;
    if (!in.key(field, wire)) return false;
    uint64_t number;
    if (field == kEventWallTime && wire == kFixed64) {
      if (!in.little_endian(8, number)) return false;
      std::memcpy(&wall_time, &number, sizeof wall_time);
    } else if (field == kEventStep && wire == kVarint) {
      if (!in.varint(number)) return false;
      step = static_cast<int64_t>(number);
    } else if (field == kEventSummary && wire == kLengthDelimited) {
      ProtoCursor summary{nullptr, nullptr};
      if (!in.bytes(summary)) return false;
      while (!summary.done()) {
        uint32_t summary_field, summary_wire;
        if (!summary.key(summary_field, summary_wire)) return false;
        ProtoCursor value{nullptr, nullptr};
        if (summary_field == kSummaryValue && summary_wire == kLengthDelimited) {
          if (!summary.bytes(value) || !decode_value(value, out)) return false;
        } else if (!summary.skip(summary_wire)) {
          return false;
        }
      }
    } else if (!in.skip(wire)) {
      return false;
    }
  }
  for (size_t i = first; i < out.size(); ++i) {  // the step may follow the summary on the wire
    out[i].step = step;
    out[i].wall_time = wall_time;
  }
  return true;
}

// ---- TFRecord framing -------------------------------------------------------------------
// uint64 length (LE), uint32 masked_crc32c(length bytes), data, uint32 masked_crc32c(data).

constexpr size_t kRecordHeader = 12;
constexpr size_t kRecordOverhead = 16;

// Calls visit(offset, record) for each record of file[0, size), after checking
// both CRCs; `path` only names the file in errors.
template <typename Visit>
void for_each_record(const std::string& path, const unsigned char* file, uint64_t size, Visit visit) {
  uint64_t offset = 0;
  while (offset < size) {
    const unsigned char* header = file + offset;
    const uint64_t left = size - offset;
    LDARTS_CHECK(left >= kRecordHeader, path, ": truncated record header at byte ", offset, " (", left,
                 " bytes left, a header has 12)");
    LDARTS_CHECK(read_little_endian(header + 8, 4) == masked_crc32c(header, 8), path,
                 ": bad length CRC in the record at byte ", offset, " (not an event file, or damaged)");
    const uint64_t length = read_little_endian(header, 8);
    LDARTS_CHECK(left >= kRecordOverhead && length <= left - kRecordOverhead, path, ": truncated record at byte ",
                 offset, " (", length, " data bytes announced, ", left, " bytes left in the file)");
    const unsigned char* data = header + kRecordHeader;
    LDARTS_CHECK(read_little_endian(data + length, 4) == masked_crc32c(data, length), path,
                 ": bad data CRC in the record at byte ", offset, " (the file is damaged)");
    visit(offset, ProtoCursor{data, data + length});
    offset += kRecordOverhead + length;
  }
}

std::string folder_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

// Why the first `bytes` bytes of `path` cannot be continued ("" when they can).
std::string resume_problem(const std::string& path, uint64_t bytes) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return path + " is missing";
  if (static_cast<uint64_t>(st.st_size) < bytes)
    return detail::concat(path, " has ", st.st_size, " bytes, the checkpoint recorded ", bytes);
  std::ifstream in(path, std::ios::binary);
  if (!in) return detail::concat(path, " cannot be read: ", std::strerror(errno));
  std::vector<unsigned char> kept(bytes);
  in.read(reinterpret_cast<char*>(kept.data()), static_cast<std::streamsize>(bytes));
  if (static_cast<uint64_t>(in.gcount()) != bytes)
    return detail::concat(path, " has fewer than the ", bytes, " bytes the checkpoint recorded");
  try {
    for_each_record(path, kept.data(), bytes, [](uint64_t, ProtoCursor) {});
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

// ---- EventWriter --------------------------------------------------------------------------

EventWriter::~EventWriter() { close_quietly(); }

EventWriter::EventWriter(EventWriter&& other) noexcept
    : fd_(other.fd_), path_(std::move(other.path_)), pending_(std::move(other.pending_)), bytes_(other.bytes_) {
  other.fd_ = -1;
  other.pending_.clear();
  other.bytes_ = 0;
}

EventWriter& EventWriter::operator=(EventWriter&& other) noexcept {
  if (this != &other) {
    close_quietly();
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    pending_ = std::move(other.pending_);
    bytes_ = other.bytes_;
    other.fd_ = -1;
    other.pending_.clear();
    other.bytes_ = 0;
  }
  return *this;
}

void EventWriter::close_quietly() noexcept {
  if (fd_ < 0) return;
  try {
    flush();
  } catch (...) {
    // A destructor cannot report; the next explicit flush() would have.
  }
  ::close(fd_);
  fd_ = -1;
}

EventWriter EventWriter::create(const std::string& dir, double wall_time) {
  make_dirs(dir);
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%010lld", static_cast<long long>(wall_time));
  const std::string base = dir + "/events.out.tfevents." + seconds + "." + host_name() + ".ldarts";
  for (int attempt = 0;; ++attempt) {
    const std::string path = attempt == 0 ? base : base + "." + std::to_string(attempt);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST) continue;
    LDARTS_CHECK(fd >= 0, "cannot create the event file ", path, ": ", std::strerror(errno));
    EventWriter writer(fd, path, 0);
    writer.write_record(file_version_event(wall_time));
    writer.flush();
    return writer;
  }
}

EventWriter EventWriter::resume(const std::string& path, uint64_t bytes, double wall_time) {
  // A link or a device in place of the event file is never written through (nor next to: it may be /dev).
  struct stat link;
  LDARTS_CHECK(::lstat(path.c_str(), &link) != 0 || S_ISREG(link.st_mode), path,
               ": the event file to continue is not a regular file (a link or a device); remove it to resume");
  const std::string problem = resume_problem(path, bytes);
  if (!problem.empty()) {
    EventWriter fresh = create(folder_of(path), wall_time);
    std::fprintf(stderr, "warning: cannot continue the TensorBoard event file: %s; events continue in %s\n",
                 problem.c_str(), fresh.path().c_str());
    return fresh;
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  LDARTS_CHECK(fd >= 0, "cannot open the event file ", path, ": ", std::strerror(errno));
  EventWriter writer(fd, path, bytes);  // closes fd if a check below throws
  struct stat st;
  LDARTS_CHECK(::fstat(fd, &st) == 0, "cannot stat ", path, ": ", std::strerror(errno));
  if (static_cast<uint64_t>(st.st_size) != bytes)  // drop the events written after the checkpoint
    LDARTS_CHECK(::ftruncate(fd, static_cast<off_t>(bytes)) == 0, "cannot truncate ", path, " to ", bytes,
                 " bytes: ", std::strerror(errno));
  LDARTS_CHECK(::lseek(fd, static_cast<off_t>(bytes), SEEK_SET) >= 0, "cannot seek in ", path, ": ",
               std::strerror(errno));
  if (bytes == 0) {
    writer.write_record(file_version_event(wall_time));
    writer.flush();
  }
  return writer;
}

void EventWriter::scalar(const std::string& tag, int64_t step, double value, double wall_time) {
  write_record(scalar_event(tag, step, value, wall_time));
}

void EventWriter::write_record(const std::string& event_proto) {
  LDARTS_CHECK(is_open(), "writing to an event writer that has no file");
  std::string length;
  put_little_endian(length, event_proto.size(), 8);
  const auto* length_bytes = reinterpret_cast<const unsigned char*>(length.data());
  const auto* data_bytes = reinterpret_cast<const unsigned char*>(event_proto.data());
  pending_ += length;
  put_little_endian(pending_, masked_crc32c(length_bytes, length.size()), 4);
  pending_ += event_proto;
  put_little_endian(pending_, masked_crc32c(data_bytes, event_proto.size()), 4);
  bytes_ += kRecordOverhead + event_proto.size();
  if (pending_.size() >= (1u << 20)) flush();
}

void EventWriter::flush() {
  if (fd_ < 0) return;
  const int err = write_all(fd_, pending_.data(), pending_.size());
  pending_.clear();
  if (err) fail("writing the event file ", path_, " failed: ", std::strerror(err));
}

// ---- reading back ------------------------------------------------------------------------

std::vector<EventScalar> read_event_scalars(const std::string& path) {
  const std::vector<unsigned char> file = read_file_bytes(path);
  std::vector<EventScalar> scalars;
  for_each_record(path, file.data(), file.size(), [&](uint64_t offset, ProtoCursor event) {
    LDARTS_CHECK(decode_event(event, scalars), path, ": malformed Event proto in the record at byte ", offset);
  });
  return scalars;
}

}  // namespace ldarts
