// Fuzzing the readers (issue 15 item 5): a small valid file of each format is
// mutated thousands of times by a seeded generator (byte and bit flips,
// truncations, insertions, overwritten and duplicated ranges). Every case must
// either load or throw ldarts::Error with the file's path in its message; any
// other exception fails the test, a crash ends it, a case slower than
// kCaseSeconds fails it and ctest's TIMEOUT catches a hang. The same file is built
// again with the readers under AddressSanitizer/UBSan (ctest asan.Fuzz.*, docs/testing.md).
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
#include "ldarts/data/image_folder.h"
#include "ldarts/data/split.h"
#include "ldarts/dist/communicator.h"
#include "ldarts/io/checkpoint.h"
#include "ldarts/io/event_file.h"
#include "ldarts/io/module_state.h"
#include "ldarts/io/nb201_table.h"
#include "ldarts/report/html.h"
#include "ldarts/report/plots.h"
#include "ldarts/report/run_data.h"
#include "ldarts/run/epoch_loop.h"
#include "ldarts/run/run_folder.h"
#include "ldarts/search/search_run.h"
#include "ldarts/search/searcher.h"
#include "ldarts/spaces/space.h"
#include "ldarts/summary/summary.h"
#include "ldarts/sweep/sweep.h"
#include "ldarts/search/darts_genotype.h"
#include "ldarts/search/genotype_input.h"
#include "support/search_support.h"
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

// A tiny search (NB201, C=4, one step per epoch) on 32 MNIST-like images, run into <dir>/run.
SearchOptions tiny_search(const test::TempDir& dir, int epochs) {
  test::write_tiny_mnist(dir.path(), 32, 10);
  SearchOptions o = test::tiny_search_options(dir.path(), dir.file("run"));
  o.epochs = epochs, o.max_steps = 1, o.eval_steps = 1, o.threads = 1;
  LocalCommunicator comm;
  run_search(o, "seed=0\n", comm);
  return o;
}

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

// Past the CRC (issue 24): the bytes of the HDF5 file are mutated *before* it is sealed,
// so that every case with the 512-byte user block intact gets past the checksum and
// HDF5 parses it; and a file without the header (as ldarts 0.1 wrote) goes to HDF5
// directly. `parsed` counts the cases HDF5 was given.
TEST(Fuzz, CheckpointPastTheCrc) {
  test::TempDir dir;
  std::vector<RawDataset> sets = {
      {"format_version", 'i', 8, {1}, std::string("\x01\0\0\0\0\0\0\0", 8)},
      {"tensors/model/w", 'f', 4, {2, 3}, std::string(24, '\x3f')},
      {"integers/state/epoch", 'i', 8, {1}, std::string("\x03\0\0\0\0\0\0\0", 8)},
      {"doubles/state/lr", 'f', 8, {1}, std::string(8, '\0')},
      {"strings/run/command", 's', 6, {1}, "search"}};
  write_raw_checkpoint(dir.file("unsealed.h5"), sets, false);
  write_raw_checkpoint(dir.file("plain.h5"), sets, false, false);
  int parsed = 0;
  auto load = [&](const std::string& path) {
    seal_checkpoint(path);  // an Error naming the file when the user block is cut off
    ++parsed;
    read_checkpoint(path);
  };
  fuzz_all("ckpt-sealed", {read_file_bytes(dir.file("unsealed.h5"))}, dir.file("c.h5"), load);
  std::printf("[  FUZZ    ] ckpt-sealed: %d cases reached HDF5 parsing\n", parsed);
  EXPECT_GT(parsed, fuzz_cases() / 2);
  int plain = 0;
  fuzz_all("ckpt-plain", {read_file_bytes(dir.file("plain.h5"))}, dir.file("p.h5"), [&](const std::string& path) {
    const Bytes head = read_file_bytes(path);
    if (head.size() >= 8 && head[0] == 0x89 && head[1] == 'H') ++plain;  // verify_header leaves these to HDF5
    read_checkpoint(path);
  });
  std::printf("[  FUZZ    ] ckpt-plain: %d cases reached HDF5 parsing\n", plain);
  EXPECT_GT(plain, fuzz_cases() / 2);
}

// Structure-aware: real checkpoints of a tiny search, their datasets given wrong shapes,
// types, element counts, extreme values or removed, written by HDF5 itself and sealed.
// Each must be refused by read_checkpoint or by what a resume does next (the header,
// the epoch sums, the RNG states, the searcher's state) with an ldarts::Error, or load.
TEST(Fuzz, CheckpointStructure) {
  test::TempDir dir;
  const SearchOptions o = tiny_search(dir, 1);
  LocalCommunicator comm;
  const Checkpoint valid = read_checkpoint(latest_checkpoint(dir.file("run")));
  Searcher searcher(o, find_space(o.space), 1, 10, comm);
  const RunHeader header{"search", "space", "nb201", "", "seed=0\n", 1, valid.string("run/run_id")};

  // The checkpoint as raw datasets.
  std::vector<RawDataset> base = {{"format_version", 'i', 8, {1}, std::string("\x01\0\0\0\0\0\0\0", 8)}};
  for (const auto& [key, t] : valid.tensors) {
    const at::Tensor c = t.contiguous();
    const char cls = c.is_floating_point() ? 'f' : 'i';
    std::vector<uint64_t> dims(c.sizes().begin(), c.sizes().end());
    if (dims.empty()) dims.push_back(1);
    base.push_back({"tensors/" + key, cls, size_t(c.element_size()), dims,
                    std::string(static_cast<const char*>(c.data_ptr()), c.numel() * c.element_size())});
  }
  for (const auto& [key, v] : valid.integers)
    if (key != "format_version")
      base.push_back({"integers/" + key, 'i', 8, {1}, std::string(reinterpret_cast<const char*>(&v), 8)});
  for (const auto& [key, v] : valid.doubles)
    base.push_back({"doubles/" + key, 'f', 8, {1}, std::string(reinterpret_cast<const char*>(&v), 8)});
  for (const auto& [key, v] : valid.strings) base.push_back({"strings/" + key, 's', std::max<size_t>(1, v.size()), {1}, v});

  std::mt19937 rng(77);
  auto below = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  const int cases = std::max(50, fuzz_cases() / 10);
  int refused = 0, loaded = 0, reported = 0;
  for (int k = 0; k < cases; ++k) {
    std::vector<RawDataset> sets = base;
    for (size_t m = 0, n = 1 + below(3); m < n; ++m) {
      RawDataset& d = sets[1 + below(sets.size() - 1)];
      switch (below(7)) {
        case 0: sets.erase(sets.begin() + (&d - sets.data())); break;  // a missing dataset
        case 1: d.dims.push_back(1 + below(3)); d.bytes.clear(); break;  // one more dimension
        case 2: if (!d.dims.empty()) d.dims[below(d.dims.size())] = below(4); d.bytes.clear(); break;  // a wrong size
        case 3: d.dims = {uint64_t(1) << (20 + below(20))}; d.bytes.clear(); break;  // more values than the file
        case 4: d.type_class = "ifs"[below(3)]; d.type_size = std::vector<size_t>{1, 4, 8, 16}[below(4)];  // a type
                if (d.type_class == 'f' && d.type_size < 4) d.type_size = 4;
                if (d.type_class != 's' && d.type_size == 16) d.type_size = 8;
                d.bytes.clear(); break;
        case 5: d.dims = {}; d.bytes = std::string(d.type_size, '\0'); break;  // a scalar dataspace
        default:  // extreme values: 0, -1, huge
          if (d.type_class == 'i' && d.type_size == 8) {
            const int64_t values[] = {0, -1, int64_t(1) << 62, std::numeric_limits<int64_t>::min()};
            const int64_t v = values[below(4)];
            for (size_t at = 0; at + 8 <= d.bytes.size(); at += 8) std::memcpy(&d.bytes[at], &v, 8);
          } else if (!d.bytes.empty()) {
            std::fill(d.bytes.begin(), d.bytes.end(), char(0xff));
          }
      }
    }
    const std::string path = dir.file("s.h5");
    try {
      write_raw_checkpoint(path, sets);
    } catch (const Error&) {
      continue;  // HDF5 refused to write it (e.g. a chunk larger than 4 GiB): nothing to read
    }
    try {
      const Checkpoint c = read_checkpoint(path);
      header.check(c);
      EpochMeans means;
      means.load(c);
      restore_rng_states(c, 0, torch::Device("cpu"));
      searcher.load_state(c);
      ++loaded;
    } catch (const Error& e) {
      ++refused;
      if (std::string(e.what()).find("s.h5") == std::string::npos && ++reported <= 5)
        ADD_FAILURE() << "case " << k << ": the error does not name the file: " << e.what();
    } catch (const std::exception& e) {
      if (++reported <= 5) ADD_FAILURE() << "case " << k << ": not an ldarts::Error: " << e.what();
    }
  }
  std::printf("[  FUZZ    ] ckpt-struct %5d cases: %5d loaded, %5d errors (all parsed by HDF5)\n", cases, loaded,
              refused);
  EXPECT_EQ(reported, 0);
}

// ---- files of a run folder and what `report` and `summarize` read --------------------

TEST(Fuzz, SplitFile) {
  test::TempDir dir;
  fuzz_all("split", {bytes_of("{\"train\": [\"int\", [0, 2, 4, 6]],\n \"valid\": [\"int\", [1, 3, 5, 7]]}\n")},
           dir.file("split.txt"), [](const std::string& path) { read_split_file(path, 8); });
}

TEST(Fuzz, SubsetManifest) {
  test::TempDir dir;
  FileImageSet set;
  set.root = dir.path();
  set.classes = {"n001", "n002"};
  set.files = {"n001/a.JPEG", "n001/b.JPEG", "n002/c.JPEG", "n002/d.JPEG"};
  set.labels = {0, 0, 1, 1};
  write_manifest(dir.file("m.txt"), set, {{0, 2}, {1, 3}}, "00000000000000aa");
  fuzz_all("manifest", {read_file_bytes(dir.file("m.txt"))}, dir.file("f.txt"),
           [&](const std::string& path) { read_manifest(path, set, "00000000000000aa"); });
}

// Event files as a resume reads them (EventWriter::resume checks the kept bytes) and as the tests read them.
TEST(Fuzz, EventFile) {
  test::TempDir dir;
  std::string valid_path;
  {
    EventWriter w = EventWriter::create(dir.path(), 1.0);
    for (int s = 0; s < 6; ++s) w.scalar("loss", s, 1.0 / (s + 1), 2.0 + s);
    w.flush();
    valid_path = w.path();
  }
  const Bytes valid = read_file_bytes(valid_path);
  const std::string path = dir.file("events.out.tfevents.1.fuzz.ldarts");
  fuzz_all("events", {valid}, path, [&](const std::string& p) {
    read_event_scalars(p);
  });
  int resumed = 0;
  fuzz_all("events-resume", {valid}, path, [&](const std::string& p) {
    EventWriter w = EventWriter::resume(p, valid.size(), 3.0);  // falls back to a new file when damaged
    w.scalar("loss", 7, 0.1, 4.0);
    ++resumed;
  });
  EXPECT_GT(resumed, 0);
}

TEST(Fuzz, SweepGrid) {
  test::TempDir dir;
  test::write_text(dir.file("base.toml"), "epochs = 1\n");
  test::write_text(dir.file("train.toml"), "epochs = 1\n");
  const std::string grid = "# a grid\nbase = \"" + dir.file("base.toml") + "\"\nepochs = 2\nseed = [1, 2, 3]\n" +
                           "lambda = [0.125, 0.25]\nregularizer = [\"none\", \"corr\"]\ntrain = \"" +
                           dir.file("train.toml") + "\"\ntrain.epochs = 3\n";
  fuzz_all("grid", {bytes_of(grid)}, dir.file("g.toml"), [](const std::string& path) {
    const SweepGrid g = read_grid(path);
    for (const Combination& c : expand(g)) stage_arguments(g, c, "out", g.command);
  });
}

// Every file of a real run folder that `ldarts report` and `ldarts summarize` read, mutated
// one file at a time; the run is then read, summarized and rendered (without gnuplot).
TEST(Fuzz, ReportAndSummarizeInputs) {
  test::TempDir dir;
  tiny_search(dir, 2);
  test::write_text(dir.file("run/test.json"),
                   "{\"run_id\": \"" + folder_run_id(dir.file("run")) + "\", \"images\": 10, \"top1\": 50}\n");
  int warned = 0;  // cases where the reader skipped the damaged file with a warning (the report's way)
  auto load = [&](const std::string&) {
    std::vector<RunData> runs{read_run(dir.file("run"))};
    warned += !runs[0].warnings.empty();
    name_runs(runs);
    std::vector<std::string> skipped;
    try {
      to_markdown(summarize(runs, {}, &skipped), skipped);
    } catch (const Error&) {  // "no run with a result": a verdict on the run, not on a file
    }
    const auto groups = group_runs(runs);
    render_html(runs, groups, build_plots(runs, groups), {}, "fuzz");
  };
  std::vector<std::string> files = {"run.json", "config.toml", "metrics.csv", "steps.csv", "diagnostics.csv",
                                    "space.json", "alphas.jsonl", "genotype.json", "test.json"};
  for (const std::string& svg : list_dir(dir.file("run/cells"), false)) {
    if (svg.size() < 4 || svg.compare(svg.size() - 4, 4, ".svg") != 0) continue;
    files.push_back("cells/" + svg);
    break;  // one picture stands for all
  }
  ASSERT_EQ(files.size(), 10u) << "no cells/*.svg";
  const int total = fuzz_cases();
  setenv("LDARTS_FUZZ_CASES", std::to_string(std::max(100, total / 6)).c_str(), 1);
  for (const std::string& name : files) {
    const std::string path = dir.file("run/" + name);
    ASSERT_TRUE(file_exists(path)) << name;
    warned = 0;
    fuzz_all("run/" + name, {read_file_bytes(path)}, path, load);
    std::printf("[  FUZZ    ]   (%d of them skipped with a warning naming the file)\n", warned);
  }
  setenv("LDARTS_FUZZ_CASES", std::to_string(total).c_str(), 1);
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
