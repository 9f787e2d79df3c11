// TensorBoard event files (TFRecord-framed `Event` protos) written without
// TensorFlow or a protobuf library: the few proto fields a scalar needs are
// encoded by hand. Format: tensorflow/core/util/event.proto and
// tensorboard/summary/writer/record_writer.py.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ldarts {

// CRC-32C (Castagnoli), computed in software: crc32c("123456789") == 0xE3069283.
uint32_t crc32c(const unsigned char* data, size_t size);
// The TFRecord checksum: the CRC rotated and offset so that a CRC of data that
// itself holds CRCs does not degenerate.
uint32_t masked_crc32c(const unsigned char* data, size_t size);

// Appends scalar events to one event file. Writes are buffered until flush()
// (or until about 1 MiB is pending); the destructor flushes what is left and
// ignores errors there. Move-only. Made on the rank that logs, only.
class EventWriter {
 public:
  EventWriter() = default;
  ~EventWriter();
  EventWriter(EventWriter&& other) noexcept;
  EventWriter& operator=(EventWriter&& other) noexcept;
  EventWriter(const EventWriter&) = delete;
  EventWriter& operator=(const EventWriter&) = delete;

  // A new file <dir>/events.out.tfevents.<unix seconds, 10 digits>.<hostname>.ldarts
  // (the folder is made when missing) whose first record is the file_version
  // "brain.Event:2" event. A name already taken gets a ".1", ".2"... suffix
  // rather than overwriting that file; the suffixed name still sorts after it,
  // which is the order TensorBoard reads a folder's files in.
  static EventWriter create(const std::string& dir, double wall_time);
  // Continues `path` after a resume: truncates it to `bytes` (what the
  // checkpoint recorded; events written after that checkpoint would otherwise
  // be duplicated) and appends. When the file is missing, shorter than `bytes`,
  // or its first `bytes` bytes are not whole, intact records, starts a new file
  // in the same folder with create() and prints one warning line to stderr
  // naming both files. bytes == 0 keeps nothing and writes the file_version
  // event again.
  static EventWriter resume(const std::string& path, uint64_t bytes, double wall_time);

  // One scalar as Summary.Value.simple_value (a float, as TensorBoard stores it).
  void scalar(const std::string& tag, int64_t step, double value, double wall_time);
  // Hands the pending records to the OS (no fsync). The caller flushes after
  // every batch of on_step/on_epoch scalars, so a killed run loses at most one.
  // A failed write (disk full) is an Error naming the file.
  void flush();
  bool is_open() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }
  // Bytes in the file so far, pending ones included: the file's size once
  // flushed. This is what a checkpoint records; flush before relying on it.
  uint64_t bytes() const { return bytes_; }

 private:
  EventWriter(int fd, std::string path, uint64_t bytes) : fd_(fd), path_(std::move(path)), bytes_(bytes) {}
  void write_record(const std::string& event_proto);
  void close_quietly() noexcept;

  int fd_ = -1;
  std::string path_;
  std::string pending_;  // framed records not yet written
  uint64_t bytes_ = 0;
};

// One scalar read back from an event file.
struct EventScalar {
  std::string tag;
  int64_t step = 0;
  double wall_time = 0;
  float value = 0;
};
// Every simple_value scalar in the file, in file order (events without one,
// such as file_version, are skipped). Verifies both CRCs of every record; a bad
// length CRC, data CRC, malformed proto or truncated record is an Error naming
// the file and the record's byte offset.
std::vector<EventScalar> read_event_scalars(const std::string& path);

}  // namespace ldarts
