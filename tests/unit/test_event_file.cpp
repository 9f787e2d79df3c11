// TensorBoard event files: CRC-32C, bytes against tensorboard's own encoder,
// round trip, resume truncation, damaged files, and (when the test venv is
// there) tensorboard's EventAccumulator reading what we wrote.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <tuple>
#include <vector>

#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/io/event_file.h"
#include "support/test_support.h"

using namespace ldarts;
using test::TempDir;

namespace {

uint32_t crc_of(const std::vector<unsigned char>& bytes) { return crc32c(bytes.data(), bytes.size()); }

std::vector<unsigned char> text_bytes(const std::string& text) { return {text.begin(), text.end()}; }

uint64_t file_size(const std::string& path) { return read_file_bytes(path).size(); }

// "tag=step" for each scalar, for readable comparisons.
std::vector<std::string> tag_steps(const std::vector<EventScalar>& scalars) {
  std::vector<std::string> out;
  for (const EventScalar& s : scalars) out.push_back(s.tag + "=" + std::to_string(s.step));
  return out;
}

}  // namespace

TEST(EventFile, Crc32cKnownVectors) {
  // RFC 3720 (iSCSI) appendix B.4 and the usual check value.
  EXPECT_EQ(crc_of(text_bytes("123456789")), 0xE3069283u);
  EXPECT_EQ(crc_of({}), 0x00000000u);
  EXPECT_EQ(crc_of(std::vector<unsigned char>(32, 0x00)), 0x8A9136AAu);
  EXPECT_EQ(crc_of(std::vector<unsigned char>(32, 0xFF)), 0x62A8AB43u);
  std::vector<unsigned char> ascending(32), descending(32);
  for (int i = 0; i < 32; ++i) {
    ascending[i] = static_cast<unsigned char>(i);
    descending[i] = static_cast<unsigned char>(31 - i);
  }
  EXPECT_EQ(crc_of(ascending), 0x46DD794Eu);
  EXPECT_EQ(crc_of(descending), 0x113FDB5Cu);
  // tensorboard.compat.tensorflow_stub.pywrap_tensorflow.masked_crc32c(b"123456789").
  const std::vector<unsigned char> check = text_bytes("123456789");
  EXPECT_EQ(masked_crc32c(check.data(), check.size()), 0xC78AB0E5u);
}

TEST(EventFile, BytesMatchTensorboardsEncoder) {
  // Golden records from tensorboard 2.21's Event proto + record_writer framing:
  //   Event(wall_time=1700000000.25, file_version="brain.Event:2")
  //   Event(wall_time=1.5, step=7, summary=Summary(value=[Value(tag="loss", simple_value=0.25)]))
  const std::vector<unsigned char> file_version = {
      0x18, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa3, 0x7f, 0x4b, 0x22, 0x09, 0x00, 0x00, 0x10, 0x40,
      0xfc, 0x54, 0xd9, 0x41, 0x1a, 0x0d, 0x62, 0x72, 0x61, 0x69, 0x6e, 0x2e, 0x45, 0x76, 0x65, 0x6e, 0x74,
      0x3a, 0x32, 0x33, 0x8d, 0x2f, 0xe9};
  const std::vector<unsigned char> loss = {
      0x1a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x12, 0x9b, 0xd8, 0x2d, 0x09, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x3f, 0x10, 0x07, 0x2a, 0x0d, 0x0a, 0x0b, 0x0a,
      0x04, 0x6c, 0x6f, 0x73, 0x73, 0x15, 0x00, 0x00, 0x80, 0x3e, 0xc9, 0xd0, 0x7b, 0x8d};
  TempDir dir;
  EventWriter writer = EventWriter::create(dir.path(), 1700000000.25);
  writer.scalar("loss", 7, 0.25, 1.5);
  writer.flush();
  std::vector<unsigned char> expected = file_version;
  expected.insert(expected.end(), loss.begin(), loss.end());
  EXPECT_EQ(read_file_bytes(writer.path()), expected);
  EXPECT_EQ(writer.bytes(), expected.size());
}

TEST(EventFile, FileNameAndRoundTrip) {
  TempDir dir;
  const std::string run = dir.file("run/tb");  // made by create()
  EventWriter writer = EventWriter::create(run, 1712345678.9);
  ASSERT_TRUE(writer.is_open());
  const std::string prefix = run + "/events.out.tfevents.1712345678.";
  EXPECT_EQ(writer.path().rfind(prefix, 0), 0u) << writer.path();
  EXPECT_EQ(writer.path().substr(writer.path().size() - 7), ".ldarts") << writer.path();

  struct Written { std::string tag; int64_t step; double value; double wall_time; };
  const std::vector<Written> written = {
      {"search/train_loss", 0, 2.302585, 1712345679.0},
      {"search/train_loss", 1, 0.1, 1712345680.5},
      {"search/lambda", 1, -3.25e-8, 1712345680.5},
      {"eval/top1", int64_t{1} << 40, 1e30, 1712345690.0},
      {"weird tag/ü", -5, 12345.678, 1.0},
  };
  for (const Written& w : written) writer.scalar(w.tag, w.step, w.value, w.wall_time);
  writer.flush();
  EXPECT_EQ(writer.bytes(), file_size(writer.path()));

  const std::vector<EventScalar> read = read_event_scalars(writer.path());
  ASSERT_EQ(read.size(), written.size());
  for (size_t i = 0; i < written.size(); ++i) {
    EXPECT_EQ(read[i].tag, written[i].tag);
    EXPECT_EQ(read[i].step, written[i].step);
    EXPECT_EQ(read[i].wall_time, written[i].wall_time);
    EXPECT_EQ(read[i].value, static_cast<float>(written[i].value)) << written[i].tag;
  }
}

TEST(EventFile, WritesAreBufferedUntilFlush) {
  TempDir dir;
  EventWriter writer = EventWriter::create(dir.path(), 100.0);
  const uint64_t header = file_size(writer.path());
  EXPECT_EQ(writer.bytes(), header);
  writer.scalar("a", 1, 1.0, 101.0);
  EXPECT_EQ(file_size(writer.path()), header);  // still pending
  EXPECT_GT(writer.bytes(), header);            // but counted
  writer.flush();
  EXPECT_EQ(file_size(writer.path()), writer.bytes());
  const std::string path = writer.path();
  writer.scalar("a", 2, 2.0, 102.0);
  { EventWriter moved = std::move(writer); }  // the destructor flushes
  EXPECT_EQ(tag_steps(read_event_scalars(path)), (std::vector<std::string>{"a=1", "a=2"}));
}

TEST(EventFile, CreateNeverOverwritesAnotherFile) {
  TempDir dir;
  EventWriter first = EventWriter::create(dir.path(), 500.0);
  first.scalar("x", 1, 1.0, 500.0);
  first.flush();
  EventWriter second = EventWriter::create(dir.path(), 500.0);  // same second, same host
  EXPECT_NE(first.path(), second.path());
  EXPECT_LT(first.path(), second.path());  // TensorBoard reads a folder's files in name order
  EXPECT_EQ(read_event_scalars(first.path()).size(), 1u);
  EXPECT_EQ(list_dir(dir.path(), false).size(), 2u);
}

TEST(EventFile, ResumeTruncatesToTheCheckpointedSize) {
  TempDir dir;
  std::string path;
  uint64_t checkpointed = 0;
  {
    EventWriter writer = EventWriter::create(dir.path(), 1000.0);
    path = writer.path();
    for (int step = 1; step <= 3; ++step) writer.scalar("loss", step, 1.0 / step, 1000.0 + step);
    writer.flush();
    checkpointed = writer.bytes();
    // Written after the checkpoint, then the run is killed.
    for (int step = 4; step <= 5; ++step) writer.scalar("loss", step, 1.0 / step, 1000.0 + step);
    writer.flush();
  }
  ASSERT_GT(file_size(path), checkpointed);

  testing::internal::CaptureStderr();
  EventWriter resumed = EventWriter::resume(path, checkpointed, 2000.0);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");  // nothing to warn about
  EXPECT_EQ(resumed.path(), path);
  EXPECT_EQ(resumed.bytes(), checkpointed);
  EXPECT_EQ(file_size(path), checkpointed);
  resumed.scalar("loss", 4, 0.2, 2004.0);
  resumed.flush();
  EXPECT_EQ(resumed.bytes(), file_size(path));

  const std::vector<EventScalar> read = read_event_scalars(path);
  EXPECT_EQ(tag_steps(read), (std::vector<std::string>{"loss=1", "loss=2", "loss=3", "loss=4"}));
  EXPECT_EQ(read.back().wall_time, 2004.0);  // the new step 4, not the old one
  EXPECT_EQ(list_dir(dir.path(), false).size(), 1u);
}

TEST(EventFile, ResumeAtZeroBytesRewritesTheHeader) {
  TempDir dir;
  std::string path;
  {
    EventWriter writer = EventWriter::create(dir.path(), 1000.0);
    path = writer.path();
    writer.scalar("loss", 1, 1.0, 1001.0);
  }
  EventWriter resumed = EventWriter::resume(path, 0, 3000.0);
  resumed.scalar("loss", 9, 9.0, 3009.0);
  resumed.flush();
  EXPECT_EQ(tag_steps(read_event_scalars(path)), (std::vector<std::string>{"loss=9"}));
  // Starts with the same file_version record create() writes.
  TempDir other;
  const std::string fresh = EventWriter::create(other.path(), 3000.0).path();
  const std::vector<unsigned char> header = read_file_bytes(fresh), bytes = read_file_bytes(path);
  ASSERT_GE(bytes.size(), header.size());
  EXPECT_TRUE(std::equal(header.begin(), header.end(), bytes.begin()));
}

TEST(EventFile, ResumeWithAMissingFileStartsANewOne) {
  TempDir dir;
  const std::string missing = dir.file("events.out.tfevents.0000001000.gone.ldarts");
  testing::internal::CaptureStderr();
  EventWriter writer = EventWriter::resume(missing, 1234, 2000.0);
  const std::string warning = testing::internal::GetCapturedStderr();
  EXPECT_EQ(std::count(warning.begin(), warning.end(), '\n'), 1) << warning;
  EXPECT_NE(warning.find(missing), std::string::npos) << warning;
  EXPECT_NE(warning.find(writer.path()), std::string::npos) << warning;
  EXPECT_NE(writer.path(), missing);
  EXPECT_EQ(writer.path().rfind(dir.path() + "/events.out.tfevents.0000002000.", 0), 0u) << writer.path();
  writer.scalar("loss", 5, 0.5, 2005.0);
  writer.flush();
  EXPECT_EQ(tag_steps(read_event_scalars(writer.path())), (std::vector<std::string>{"loss=5"}));
  EXPECT_FALSE(file_exists(missing));
}

TEST(EventFile, ResumeWithAShorterOrMisalignedFileLeavesItAlone) {
  TempDir dir;
  std::string path;
  uint64_t size = 0;
  {
    EventWriter writer = EventWriter::create(dir.path(), 1000.0);
    path = writer.path();
    writer.scalar("loss", 1, 1.0, 1001.0);
    writer.flush();
    size = writer.bytes();
  }
  const std::vector<unsigned char> before = read_file_bytes(path);
  for (const uint64_t recorded : {size + 100, size - 3}) {  // a checkpoint from another file; a cut mid-record
    SCOPED_TRACE(recorded);
    testing::internal::CaptureStderr();
    EventWriter writer = EventWriter::resume(path, recorded, 1500.0 + static_cast<double>(recorded));
    const std::string warning = testing::internal::GetCapturedStderr();
    EXPECT_NE(writer.path(), path);
    EXPECT_NE(warning.find(path), std::string::npos) << warning;
    EXPECT_NE(warning.find(writer.path()), std::string::npos) << warning;
    EXPECT_EQ(read_file_bytes(path), before);  // the old file is kept as it was
  }
}

TEST(EventFile, DamagedFilesAreErrorsNamingFileAndOffset) {
  TempDir dir;
  std::string path;
  uint64_t second_record = 0;
  {
    EventWriter writer = EventWriter::create(dir.path(), 1000.0);
    path = writer.path();
    second_record = writer.bytes();  // the first scalar's record starts here
    writer.scalar("loss", 1, 1.0, 1001.0);
    writer.scalar("loss", 2, 0.5, 1002.0);
  }
  const std::vector<unsigned char> good = read_file_bytes(path);
  const std::string at = "byte " + std::to_string(second_record);

  std::vector<unsigned char> bad = good;
  bad[second_record + 20] ^= 0x01;  // inside the data
  test::write_bytes(path, bad);
  EXPECT_ERROR_WITH(read_event_scalars(path), path, at, "data CRC");

  bad = good;
  bad[second_record + 1] ^= 0x40;  // the length
  test::write_bytes(path, bad);
  EXPECT_ERROR_WITH(read_event_scalars(path), path, at, "length CRC");

  bad = good;
  bad[second_record + 9] ^= 0x80;  // the length's CRC
  test::write_bytes(path, bad);
  EXPECT_ERROR_WITH(read_event_scalars(path), path, at, "length CRC");

  bad.assign(good.begin(), good.begin() + static_cast<long>(second_record) + 30);  // cut mid-record
  test::write_bytes(path, bad);
  EXPECT_ERROR_WITH(read_event_scalars(path), path, at, "truncated");

  bad.assign(good.begin(), good.begin() + static_cast<long>(second_record) + 5);  // cut mid-header
  test::write_bytes(path, bad);
  EXPECT_ERROR_WITH(read_event_scalars(path), path, at, "truncated");

  test::write_bytes(path, good);
  EXPECT_EQ(read_event_scalars(path).size(), 2u);
  EXPECT_ERROR_WITH(read_event_scalars(dir.file("absent")), dir.file("absent"));
}

TEST(EventFile, AFullDiskIsAnErrorNamingTheFile) {
  if (!file_exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  // A device (or a link) in place of the event file is refused, never written through (issue 24).
  EXPECT_ERROR_WITH(EventWriter::resume("/dev/full", 0, 1.0), "/dev/full", "not a regular file");
  EXPECT_ERROR_WITH(EventWriter::create("/proc/no-such-folder", 1.0), "/proc/no-such-folder");
}

// The real client: tensorboard's EventAccumulator (tests/tensorboard/read_events.py),
// in the venv scripts/setup.sh makes. Skipped when that venv is missing.
TEST(EventFile, TensorboardReadsWhatWeWrite) {
  const char* cache_env = std::getenv("LDARTS_CACHE");
  const char* home = std::getenv("HOME");
  const std::string cache = cache_env && *cache_env ? cache_env : std::string(home ? home : "") + "/.cache/ldarts";
  const std::string python = cache + "/test-venv/bin/python";
  if (::access(python.c_str(), X_OK) != 0) GTEST_SKIP() << "no " << python << " (scripts/setup.sh makes it)";

  TempDir dir;
  const std::string run = dir.file("tb");
  using Row = std::tuple<std::string, int64_t, float>;
  std::vector<Row> expected;
  std::string path;
  uint64_t checkpointed = 0;
  {
    EventWriter writer = EventWriter::create(run, 1712345678.0);
    path = writer.path();
    for (int step = 0; step < 3; ++step) {
      const double loss = 2.302585 / (step + 1), top1 = 0.1 * step - 1e-7;
      writer.scalar("search/train_loss", step, loss, 1712345680.0 + step);
      writer.scalar("search/top1", step, top1, 1712345680.0 + step);
      expected.emplace_back("search/train_loss", step, static_cast<float>(loss));
      expected.emplace_back("search/top1", step, static_cast<float>(top1));
    }
    writer.flush();
    checkpointed = writer.bytes();
    writer.scalar("search/train_loss", 3, 99.0, 1712345690.0);  // lost to the resume below
  }
  EventWriter resumed = EventWriter::resume(path, checkpointed, 1712346000.0);
  resumed.scalar("search/train_loss", 3, 0.5, 1712346001.0);
  resumed.scalar("eval/lambda", int64_t{1} << 33, 1e30, 1712346001.0);
  resumed.flush();
  expected.emplace_back("search/train_loss", 3, 0.5f);
  expected.emplace_back("eval/lambda", int64_t{1} << 33, 1e30f);
  std::sort(expected.begin(), expected.end());
  std::string expected_text;
  for (const auto& [tag, step, value] : expected) {
    char line[256];
    std::snprintf(line, sizeof line, "%s\t%lld\t%.9g\n", tag.c_str(), static_cast<long long>(step),
                  static_cast<double>(value));
    expected_text += line;
  }

  const std::string script = test::source_path("tests/tensorboard/read_events.py");
  const std::string out = dir.file("scalars.txt");
  for (const std::string flags : {"", "--as-run "}) {
    std::string errors;
    const int rc = test::run_command(python + " " + script + " " + flags + run + " > " + out, errors);
    ASSERT_EQ(rc, 0) << errors;
    EXPECT_EQ(test::read_text(out), expected_text) << flags << errors;
  }

  // A flipped byte is caught by tensorboard's reader too (its CRC check, not ours).
  std::vector<unsigned char> bytes = read_file_bytes(path);
  bytes[bytes.size() - 10] ^= 0x01;
  test::write_bytes(path, bytes);
  std::string errors;
  EXPECT_NE(test::run_command(python + " " + script + " " + run + " > " + out, errors), 0);
  EXPECT_NE(errors.find("crc"), std::string::npos) << errors;
}
