// Fuzzing the readers (issue 15 item 5): a small valid file of each format is
// mutated thousands of times by a seeded generator (byte and bit flips,
// truncations, insertions, overwritten and duplicated ranges). Every case must
// either load or throw ldarts::Error with the file's path in its message; any
// other exception fails the test, a crash ends it, a case slower than
// kCaseSeconds fails it and ctest's TIMEOUT catches a hang. Run it under
// AddressSanitizer/UBSan with the `asan` preset (docs/testing.md).
#include <gtest/gtest.h>
#include <matio.h>
#include <turbojpeg.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <random>

#include <CLI/CLI.hpp>

#include "ldarts/cli/commands.h"
#include "ldarts/cli/config_file.h"
#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/data/dataset.h"
#include "ldarts/data/jpeg.h"
#include "ldarts/dist/runtime.h"
#include "ldarts/io/checkpoint.h"
#include "ldarts/io/nb201_table.h"
#include "ldarts/search/darts_genotype.h"
#include "ldarts/search/genotype_input.h"
#include "support/test_support.h"

using namespace ldarts;
using Bytes = std::vector<unsigned char>;

namespace {

constexpr double kCaseSeconds = 5;

// Cases per reader: 3000, or LDARTS_FUZZ_CASES (longer runs by hand).
int fuzz_cases() {
  const char* env = std::getenv("LDARTS_FUZZ_CASES");
  return env && *env ? std::atoi(env) : 3000;
}

// One random mutation of `in`.
Bytes mutate(const Bytes& in, std::mt19937& rng) {
  auto below = [&](size_t n) { return n == 0 ? size_t(0) : std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  auto random_byte = [&] { return static_cast<unsigned char>(below(256)); };
  Bytes out = in;
  switch (below(7)) {
    case 0:  // 1-8 random bytes
      for (size_t k = 0, n = 1 + below(8); k < n && !out.empty(); ++k) out[below(out.size())] = random_byte();
      break;
    case 1:  // 1-8 single bits
      for (size_t k = 0, n = 1 + below(8); k < n && !out.empty(); ++k) out[below(out.size())] ^= 1u << below(8);
      break;
    case 2:  // truncation at any length, 0 included
      out.resize(below(out.size()));
      break;
    case 3: {  // 1-16 random bytes inserted
      Bytes extra(1 + below(16));
      for (auto& b : extra) b = random_byte();
      out.insert(out.begin() + below(out.size() + 1), extra.begin(), extra.end());
      break;
    }
    case 4: {  // a range overwritten with one value (0x00, 0xff or random): sizes and counts become 0 or huge
      const size_t at = below(out.size()), n = std::min(out.size() - at, 1 + below(16));
      const unsigned char value = below(3) == 0 ? 0x00 : below(2) ? 0xff : random_byte();
      std::fill(out.begin() + at, out.begin() + at + n, value);
      break;
    }
    case 5: {  // 1-12 digits inserted: numbers in text formats that overflow or ask for huge sizes
      Bytes digits(1 + below(12));
      for (auto& d : digits) d = static_cast<unsigned char>('0' + below(10));
      out.insert(out.begin() + below(out.size() + 1), digits.begin(), digits.end());
      break;
    }
    default: {  // a range duplicated in place
      const size_t at = below(out.size()), n = std::min(out.size() - at, 1 + below(64));
      const Bytes copy(out.begin() + at, out.begin() + at + n);
      out.insert(out.begin() + at, copy.begin(), copy.end());
      break;
    }
  }
  return out;
}

struct Outcome {
  int cases = 0, loaded = 0, errors = 0;
};

// `cases` mutations of `valid`, each written to `path` and given to `load(path)`,
// which returns normally or throws; `seed` makes the run reproducible.
Outcome fuzz(const std::string& reader, const Bytes& valid, const std::string& path,
             const std::function<void(const std::string&)>& load, uint32_t seed, int cases) {
  test::write_bytes(path, valid);
  EXPECT_NO_THROW(load(path)) << reader << ": the unmutated file must load";
  std::mt19937 rng(seed);
  Outcome out;
  int reported = 0;
  auto report = [&](int k, const std::string& what) {
    if (++reported <= 5) ADD_FAILURE() << reader << " (seed " << seed << ", case " << k << "): " << what;
  };
  for (int k = 0; k < cases; ++k) {
    test::write_bytes(path, mutate(valid, rng));
    const auto start = std::chrono::steady_clock::now();
    try {
      load(path);
      ++out.loaded;
    } catch (const Error& e) {
      ++out.errors;
      if (std::string(e.what()).find(path) == std::string::npos) report(k, "the error does not name the file: " + std::string(e.what()));
    } catch (const std::exception& e) {
      report(k, std::string("not an ldarts::Error: ") + e.what());
    } catch (...) {
      report(k, "an exception that is not a std::exception");
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (seconds > kCaseSeconds) report(k, "took " + std::to_string(seconds) + " s");
    ++out.cases;
  }
  test::write_bytes(path, valid);  // for the next reader that needs this file
  EXPECT_EQ(reported, 0) << reader << ": " << reported << " bad cases";
  return out;
}

// Several valid files of one format share `cases`; prints the outcome.
void fuzz_all(const std::string& reader, const std::vector<Bytes>& seeds, const std::string& path,
              const std::function<void(const std::string&)>& load) {
  const auto start = std::chrono::steady_clock::now();
  const int total = fuzz_cases();
  Outcome sum;
  for (size_t s = 0; s < seeds.size(); ++s) {
    const int cases = total / int(seeds.size()) + (int(s) < total % int(seeds.size()) ? 1 : 0);
    const Outcome o = fuzz(reader, seeds[s], path, load, uint32_t(1000 + s), cases);
    sum.cases += o.cases, sum.loaded += o.loaded, sum.errors += o.errors;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("[  FUZZ    ] %-10s %5d cases: %5d loaded, %5d errors naming the file (%.1f s)\n", reader.c_str(),
              sum.cases, sum.loaded, sum.errors, seconds);
}

Bytes bytes_of(const std::string& text) { return Bytes(text.begin(), text.end()); }

}  // namespace

// ---- checkpoints (HDF5) ---------------------------------------------------------

TEST(Fuzz, Checkpoint) {
  test::TempDir dir;
  Checkpoint c;
  c.tensors["model/w"] = torch::arange(12, torch::kFloat).view({3, 4});
  c.tensors["model/bn.running_mean"] = torch::linspace(-1, 1, 5, torch::kDouble);
  c.tensors["state/rng"] = torch::arange(16, torch::kLong).to(torch::kByte);
  c.tensors["state/steps"] = torch::tensor(7, torch::kLong);
  c.integers["state/epoch"] = 3;
  c.doubles["state/lr"] = 0.025;
  c.strings["config"] = "space=nb201\nseed=1\n";
  write_checkpoint(dir.file("valid.h5"), c);
  const Bytes valid = read_file_bytes(dir.file("valid.h5"));
  fuzz_all("checkpoint", {valid}, dir.file("c.h5"), [&](const std::string& path) {
    const Checkpoint r = read_checkpoint(path);
    // What loads is the file as written: the whole-file checksum lets nothing else through.
    ASSERT_EQ(r.tensors.size(), c.tensors.size());
    for (const auto& [key, t] : c.tensors) ASSERT_TRUE(torch::equal(r.tensor(key).reshape(t.sizes()), t)) << key;
    ASSERT_EQ(r.integer("state/epoch"), 3);
    ASSERT_EQ(r.string("config"), c.strings["config"]);
  });
}

// ---- TOML config files (CLI11's parser, then the search options) -----------------

TEST(Fuzz, TomlConfig) {
  test::TempDir dir;
  int argc = 0;
  char** argv = nullptr;
  const Runtime runtime(&argc, &argv);
  const std::string valid =
      "# a search\nspace = \"darts\"\nchannels = 8\nlayers = 5\ndataset = \"fashion-mnist\"\n"
      "train-portion = 0.5\nbatch-size = 64\nepochs = 5\nmax-steps = 40\narch-lr = 1e-3\nseed = 1\n"
      "edge-normalization = true\nout = \"runs/tiny\"\nregularizer = \"signcorr\"\n[lambda]\n";
  fuzz_all("toml", {bytes_of(valid)}, dir.file("c.toml"), [&](const std::string& path) {
    CLI::App app;  // a fresh app each time: a value given once is not replaced by a later file
    setup_search(app, runtime);
    apply_config_file(*app.get_subcommand("search"), path);
  });
}

// ---- genotypes: Genotype(...) text, genotype.json, NB201 strings --------------------

TEST(Fuzz, Genotype) {
  test::TempDir dir;
  DartsGenotype g;
  g.normal.ops = {{"sep_conv_3x3", 0}, {"sep_conv_3x3", 1}, {"skip_connect", 0}, {"sep_conv_5x5", 2},
                  {"dil_conv_3x3", 1}, {"max_pool_3x3", 3}, {"avg_pool_3x3", 0}, {"dil_conv_5x5", 4}};
  g.normal.concat = {2, 3, 4, 5};
  g.reduce = g.normal;
  const SearchSpace& nb201 = find_space("nb201");
  const Nb201Genotype cell = parse_nb201_string(nb201, "|nor_conv_3x3~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|nor_conv_1x1~1|skip_connect~2|");
  const std::vector<Bytes> seeds = {bytes_of(to_genotype_text(g)), bytes_of(to_json(g)),
                                    bytes_of(to_json(nb201, cell)), bytes_of(to_nb201_string(nb201, cell) + "\n")};
  fuzz_all("genotype", seeds, dir.file("genotype.json"), [](const std::string& path) { read_genotype(path); });
  // A long run of name characters overflowed std::regex's recursion (a crash at ~300 KB).
  test::write_text(dir.file("long.txt"), "Genotype(normal=[('" + std::string(300000, 'a') + "', 0)], reduce=[])");
  EXPECT_ERROR_WITH(read_genotype(dir.file("long.txt")), dir.file("long.txt"), "too long");
}

// ---- the NAS-Bench-201 accuracy table -----------------------------------------------

TEST(Fuzz, Nb201Table) {
  test::TempDir dir;
  const std::string valid =
      "CIFAR10TestAccuracy200Epochs,CIFAR100TestAccuracy200Epochs,ImageNetTestAccuracy200Epochs,ArchitectureString,UniqueString\n"
      "85.86,52.91,26.63,|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|,(0)@a\n"
      "93.66,70.29,44.03,|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|,(0)@b\n"
      "54.30,15.61,16.32,|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|,0\n";
  fuzz_all("nb201", {bytes_of(valid)}, dir.file("nb201.csv"), [](const std::string& path) {
    const Nb201Table t = Nb201Table::load(path);
    ASSERT_GE(t.size(), 1u);
  });
}

// ---- data sets ----------------------------------------------------------------------

// Sanity of a data set that loaded: shapes agree, labels in range.
void check_image_set(const ImageSet& s) {
  ASSERT_EQ(s.images.size(0), s.labels.size(0));
  if (s.size() == 0) return;
  ASSERT_GE(s.labels.min().item<int64_t>(), 0);
  ASSERT_LT(s.labels.max().item<int64_t>(), s.num_classes);
}

TEST(Fuzz, Idx) {
  test::TempDir dir;
  const Bytes images = test::idx_images(6, 5, 4), labels = test::idx_labels({0, 1, 2, 9, 4, 5});
  const std::string images_path = dir.file("images-idx3-ubyte"), labels_path = dir.file("labels-idx1-ubyte");
  // Mutated images with valid labels, then mutated labels with valid images; then both gzipped.
  test::write_bytes(labels_path, labels);
  fuzz_all("idx-images", {images}, images_path,
           [&](const std::string& path) { check_image_set(read_idx(path, labels_path, 10)); });
  test::write_bytes(images_path, images);
  fuzz_all("idx-labels", {labels}, labels_path,
           [&](const std::string& path) { check_image_set(read_idx(images_path, path, 10)); });
  test::write_gzip(dir.file("gz"), images);
  const Bytes gz_images = read_file_bytes(dir.file("gz"));
  fuzz_all("idx-gzip", {gz_images}, images_path,
           [&](const std::string& path) { check_image_set(read_idx(path, labels_path, 10)); });
  // Both headers damaged alike (2^32 - 1 items): one file alone cannot get past the count check,
  // together they asked for an 85 GB tensor before reading a pixel.
  Bytes huge_images = images, huge_labels = labels;
  std::fill(huge_images.begin() + 4, huge_images.begin() + 8, 0xff);
  std::fill(huge_labels.begin() + 4, huge_labels.begin() + 8, 0xff);
  test::write_bytes(images_path, huge_images);
  test::write_bytes(labels_path, huge_labels);
  EXPECT_ERROR_WITH(read_idx(images_path, labels_path, 10), images_path, "truncated");
}

TEST(Fuzz, Cifar) {
  test::TempDir dir;
  Bytes valid;
  for (int r = 0; r < 3; ++r) {
    valid.push_back(static_cast<unsigned char>(r * 3));
    for (int i = 0; i < 3 * 32 * 32; ++i) valid.push_back(static_cast<unsigned char>((i + r) % 251));
  }
  fuzz_all("cifar", {valid}, dir.file("data_batch_1.bin"),
           [](const std::string& path) { check_image_set(read_cifar_binary({path}, 1, 0, 10)); });
}


TEST(Fuzz, Pickle) {
  test::TempDir dir;
  // One image each: the opcodes are a fair share of the bytes.
  fuzz_all("pickle", {test::py2_imagenet16_pickle({7}), test::py2_imagenet16_pickle({500})}, dir.file("val_data"),
           [](const std::string& path) { check_image_set(read_imagenet16({path}, 120)); });
  // Two damages random mutation rarely makes: BUILD on a dict (it left null items that the
  // dict lookup then read), and a stack popped below its MARK.
  for (const std::string bad : {"}Nb.", "NN(al."}) {
    test::write_text(dir.file("bad"), bad);
    EXPECT_ERROR_WITH(read_imagenet16({dir.file("bad")}, 120), dir.file("bad"), "corrupt pickle");
  }
}

namespace {
// SVHN's layout written with matio: X uint8 [h, w, 3, n], y double [n, 1] with labels 1..10.
Bytes svhn_mat(const std::string& path, int n, bool compressed) {
  const int h = 4, w = 3;
  std::vector<uint8_t> x(size_t(h) * w * 3 * n);
  for (size_t i = 0; i < x.size(); ++i) x[i] = uint8_t(i * 7 % 256);
  std::vector<double> y;
  for (int i = 0; i < n; ++i) y.push_back(1 + i % 10);
  mat_t* mat = Mat_CreateVer(path.c_str(), nullptr, MAT_FT_MAT5);
  size_t xdims[4] = {size_t(h), size_t(w), 3, size_t(n)}, ydims[2] = {size_t(n), 1};
  matvar_t* xv = Mat_VarCreate("X", MAT_C_UINT8, MAT_T_UINT8, 4, xdims, x.data(), 0);
  matvar_t* yv = Mat_VarCreate("y", MAT_C_DOUBLE, MAT_T_DOUBLE, 2, ydims, y.data(), 0);
  Mat_VarWrite(mat, xv, compressed ? MAT_COMPRESSION_ZLIB : MAT_COMPRESSION_NONE);
  Mat_VarWrite(mat, yv, compressed ? MAT_COMPRESSION_ZLIB : MAT_COMPRESSION_NONE);
  Mat_VarFree(xv);
  Mat_VarFree(yv);
  Mat_Close(mat);
  return read_file_bytes(path);
}
}  // namespace

TEST(Fuzz, SvhnMat) {
  test::TempDir dir;
  const std::vector<Bytes> seeds = {svhn_mat(dir.file("z.mat"), 5, true), svhn_mat(dir.file("u.mat"), 5, false)};
  fuzz_all("mat", seeds, dir.file("train_32x32.mat"),
           [](const std::string& path) { check_image_set(read_svhn_mat(path)); });
}

namespace {
// A smooth 24×32 picture, baseline (encode_jpeg, 4:2:0) or progressive 4:4:4.
Bytes jpeg(bool progressive) {
  const auto r = torch::arange(24).view({1, 24, 1}), c = torch::arange(32).view({1, 1, 32});
  const at::Tensor image = (40 + 60 * torch::arange(3).view({3, 1, 1}) + (r * 3 + c) % 50).to(torch::kByte);
  if (!progressive) return encode_jpeg(image, 90);
  const at::Tensor hwc = image.permute({1, 2, 0}).contiguous();
  tjhandle t = tjInitCompress();
  unsigned char* out = nullptr;
  unsigned long size = 0;
  EXPECT_EQ(tjCompress2(t, hwc.data_ptr<uint8_t>(), 32, 0, 24, TJPF_RGB, &out, &size, TJSAMP_444, 90,
                        TJFLAG_PROGRESSIVE),
            0);
  Bytes bytes(out, out + size);
  tjFree(out);
  tjDestroy(t);
  return bytes;
}
}  // namespace

TEST(Fuzz, Jpeg) {
  test::TempDir dir;
  fuzz_all("jpeg", {jpeg(false), jpeg(true)}, dir.file("n001.JPEG"), [](const std::string& path) {
    const at::Tensor image = decode_jpeg(read_file_bytes(path), path, 0.5);
    ASSERT_EQ(image.size(0), 3);
  });
}
