// The ldarts binary: config files, flags winning over them, errors, nb201 lookup.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <sstream>

#include "support/test_support.h"

using ldarts::test::run_command;
using ldarts::test::run_ldarts;

TEST(Cli, Nb201Lookup) {
  std::string out;
  EXPECT_EQ(run_ldarts("nb201 --arch '|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|'", out), 0) << out;
  EXPECT_NE(out.find("CIFAR-10 valid  39.77"), std::string::npos) << out;
  EXPECT_NE(out.find("CIFAR-10 test   54.30"), std::string::npos) << out;
  EXPECT_NE(out.find("cell is connected; 6 of 6 ops parameter-free"), std::string::npos) << out;
  EXPECT_NE(out.find("1835"), std::string::npos) << out;
  EXPECT_NE(run_ldarts("nb201 --arch '|conv~0|'", out), 0);
  EXPECT_NE(out.find("bad NB201 cell string"), std::string::npos) << out;
}

TEST(Cli, ConfigFileAndFlagPrecedence) {
  ldarts::test::TempDir dir;
  std::vector<unsigned char> labels;
  for (int i = 0; i < 40; ++i) labels.push_back(i % 10);
  ldarts::test::write_bytes(dir.file("train-images-idx3-ubyte"), ldarts::test::idx_images(40, 8, 8));
  ldarts::test::write_bytes(dir.file("train-labels-idx1-ubyte"), ldarts::test::idx_labels(labels));
  ldarts::test::write_text(dir.file("c.toml"),
                           "dataset = \"mnist\"\ndata-dir = \"" + dir.path() + "\"\nchannels = 4\n"
                           "cells-per-stage = 1\nbatch-size = 8\nepochs = 3\nmax-steps = 1\neval-steps = 1\n"
                           "threads = 1\nseed = 5\n");
  std::string out;
  const std::string run = dir.file("run");
  ASSERT_EQ(run_ldarts("search --config " + dir.file("c.toml") + " --epochs 1 --out " + run, out), 0) << out;
  const std::string config = ldarts::test::read_text(run + "/config.toml");
  EXPECT_NE(config.find("epochs=1"), std::string::npos) << config;        // the flag won
  EXPECT_NE(config.find("channels=4"), std::string::npos) << config;      // from the file
  EXPECT_NE(config.find("lr=0.025"), std::string::npos) << config;        // a default
  EXPECT_NE(out.find("final genotype: |"), std::string::npos) << out;

  ldarts::test::write_text(dir.file("typo.toml"), "epochz = 3\n");
  EXPECT_NE(run_ldarts("search --config " + dir.file("typo.toml"), out), 0);
  EXPECT_NE(out.find("unknown key 'epochz'"), std::string::npos) << out;
  EXPECT_NE(out.find("typo.toml"), std::string::npos) << out;
}

TEST(Cli, BadDataDirIsOneClearLine) {
  std::string out;
  EXPECT_EQ(run_ldarts("search --dataset mnist --data-dir /nonexistent-ldarts --out /tmp/ldarts-never", out), 1);
  EXPECT_NE(out.find("ldarts: error: data folder /nonexistent-ldarts does not exist"), std::string::npos) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
}

TEST(Cli, OneFailingRankEndsAllRanksWithItsMessage) {
  if (std::system("command -v mpirun > /dev/null 2>&1") != 0) GTEST_SKIP() << "mpirun not installed";
  ldarts::test::TempDir dir;
  ldarts::test::write_tiny_mnist(dir.path(), 64, 8);
  std::string out;
  const auto start = std::chrono::steady_clock::now();
  const int code = run_command(
      "LDARTS_FAULT_RANK=1 LDARTS_FAULT_STEP=2 timeout 60 mpirun --allow-run-as-root --oversubscribe -np 2 " +
          std::string(LDARTS_BINARY) + " search --dataset mnist --data-dir " + dir.path() +
          " --channels 4 --cells-per-stage 1 --batch-size 8 --epochs 1 --max-steps 4 --threads 1 --out " +
          dir.file("run"),
      out);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_NE(code, 0) << out;
  EXPECT_NE(code, 124) << "mpirun hung until the timeout:\n" << out;
  EXPECT_NE(out.find("ldarts: error on rank 1 of 2: injected fault at step 2"), std::string::npos) << out;
  EXPECT_LT(seconds, 30) << out;
}

TEST(Cli, GenotypeFromCheckpointAndJson) {
  ldarts::test::TempDir dir;
  ldarts::test::write_tiny_mnist(dir.path(), 48, 8);
  std::string out, text;
  const std::string run = dir.file("run");
  ASSERT_EQ(run_ldarts("search --dataset mnist --data-dir " + dir.path() + " --channels 4 --cells-per-stage 1"
                       " --batch-size 8 --epochs 1 --max-steps 2 --eval-steps 1 --threads 1 --out " + run, out), 0) << out;
  const std::string final_line = out.substr(out.find("final genotype: ") + 16, out.find('\n', out.find("final genotype: ")) - out.find("final genotype: ") - 16);
  // stdout: the genotype; stderr (merged here): whether the cell is connected.
  const std::string health = out.substr(out.find("final genotype: ")).substr(final_line.size() + 17);
  ASSERT_EQ(health.rfind("  cell is ", 0), 0u) << out;
  const std::string health_line = health.substr(2, health.find('\n') - 2);
  ASSERT_EQ(run_ldarts("genotype --checkpoint " + run + "/latest.h5", text), 0) << text;
  EXPECT_EQ(text, final_line + "\n" + health_line + "\n");
  ASSERT_EQ(run_ldarts("genotype --from-json " + run + "/genotype.json", text), 0) << text;
  EXPECT_EQ(text, final_line + "\n" + health_line + "\n");
  ASSERT_EQ(run_ldarts("genotype --from-json " + run + "/genotype.json --format dot", text), 0) << text;
  EXPECT_EQ(text.rfind("digraph", 0), 0u) << text;

  // A DARTS genotype.json (as DARTS-family searches write it) back to Genotype(...) text.
  ldarts::test::write_text(dir.file("darts.json"),
      "{\"normal\": [[\"sep_conv_3x3\", 0], [\"sep_conv_3x3\", 1], [\"skip_connect\", 0], [\"sep_conv_3x3\", 1],"
      " [\"skip_connect\", 0], [\"sep_conv_3x3\", 1], [\"skip_connect\", 0], [\"dil_conv_3x3\", 2]],"
      " \"normal_concat\": [2, 3, 4, 5], \"reduce\": [[\"max_pool_3x3\", 0], [\"max_pool_3x3\", 1],"
      " [\"skip_connect\", 2], [\"max_pool_3x3\", 1], [\"max_pool_3x3\", 0], [\"skip_connect\", 2],"
      " [\"skip_connect\", 2], [\"max_pool_3x3\", 1]], \"reduce_concat\": [2, 3, 4, 5]}\n");
  ASSERT_EQ(run_ldarts("genotype --from-json " + dir.file("darts.json"), text), 0) << text;
  EXPECT_EQ(text.rfind("Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('skip_connect', 0)", 0), 0u) << text;
  EXPECT_NE(text.find("reduce=[('max_pool_3x3', 0)"), std::string::npos) << text;
  ASSERT_EQ(run_ldarts("genotype --from-json " + dir.file("darts.json") + " --format dot --cell reduce", text), 0);
  EXPECT_NE(text.find("reduction cell"), std::string::npos) << text;

  ldarts::test::write_text(dir.file("bad.json"), "{\"normal\": [[\"sep_conv_3x3\", 5]]}\n");
  EXPECT_NE(run_ldarts("genotype --from-json " + dir.file("bad.json"), text), 0);
  EXPECT_NE(text.find("bad.json"), std::string::npos) << text;
}

TEST(Cli, EverySearchPresetParses) {
  // Every key of every search preset is a known option with a valid value.
  std::string listing;
  ASSERT_EQ(run_command("ls " + ldarts::test::source_path("configs") + "/*.toml", listing), 0);
  int presets = 0;
  std::istringstream files(listing);
  for (std::string file; std::getline(files, file);) {
    if (file.find("/train-") != std::string::npos) continue;  // evaluation presets: ldarts train
    std::string out;
    // From the project root, as the README runs them (presets name data/nb201/ relative to it).
    EXPECT_EQ(run_command("cd " + ldarts::test::source_path("") + " && " + LDARTS_BINARY + " search --config " + file +
                              " --print-config",
                          out), 0) << file << "\n" << out;
    EXPECT_NE(out.find("space="), std::string::npos) << file << "\n" << out;
    ++presets;
  }
  EXPECT_GE(presets, 12);
  std::string out;
  ASSERT_EQ(run_ldarts("search --config " + ldarts::test::source_path("configs/imagenet-search.toml") +
                           " --print-config",
                       out), 0);
  EXPECT_NE(out.find("network=\"imagenet\""), std::string::npos) << out;
  EXPECT_NE(out.find("partial-channels=2"), std::string::npos) << out;
  EXPECT_NE(out.find("arch-start-epoch=35"), std::string::npos) << out;
}

TEST(Cli, SearchThenTrainItsGenotype) {
  ldarts::test::TempDir dir;
  ldarts::test::write_tiny_mnist(dir.path(), 64, 12);
  std::string out;
  ASSERT_EQ(run_ldarts("search --space darts --layers 4 --channels 4 --dataset mnist --data-dir " + dir.path() +
                           " --batch-size 8 --epochs 1 --max-steps 2 --eval-steps 1 --threads 1 --out " +
                           dir.file("search"),
                       out), 0) << out;
  ASSERT_EQ(run_ldarts("train --genotype " + dir.file("search/genotype.json") + " --channels 4 --layers 4 " +
                           "--dataset mnist --data-dir " + dir.path() + " --batch-size 8 --epochs 1 --max-steps 2 " +
                           "--eval-steps 1 --test false --threads 1 --out " + dir.file("train"),
                       out), 0) << out;
  EXPECT_NE(out.find("== epoch 1/1"), std::string::npos) << out;
  const std::string metrics = ldarts::test::read_text(dir.file("train/metrics.csv"));
  EXPECT_EQ(metrics.rfind("epoch,lr,drop_path,train_loss,train_top1,train_top5,valid_loss,valid_top1,valid_top5", 0), 0u)
      << metrics;
  EXPECT_NE(ldarts::test::read_text(dir.file("train/genotype.txt")).find("Genotype(normal=[("), std::string::npos);
}

TEST(Cli, TrainPresetsParseAndDryRun) {
  const std::string darts_v2 = ldarts::test::source_path("tests/data/darts_v2.txt");
  std::string out;
  ASSERT_EQ(run_ldarts("train --config " + ldarts::test::source_path("configs/train-cifar10.toml") + " --genotype " +
                           darts_v2 + " --dry-run",
                       out), 0) << out;
  EXPECT_NE(out.find("parameters without the auxiliary head: 3349342"), std::string::npos) << out;
  EXPECT_NE(out.find("multiply-adds at 32x32: 528359040"), std::string::npos) << out;
  for (const char* preset : {"train-cifar100", "train-svhn", "train-imagenet", "train-nb201-cifar10", "train-tiny"}) {
    EXPECT_EQ(run_ldarts(std::string("train --config ") + ldarts::test::source_path("configs/") + preset +
                             ".toml --print-config",
                         out), 0) << preset << "\n" << out;
    EXPECT_NE(out.find("epochs="), std::string::npos) << out;
  }
  EXPECT_NE(run_ldarts("train --genotype \"Genotype(normal=[('sep_conv_9x9', 0), ('skip_connect', 1)], reduce=[])\" --dry-run", out), 0);
  EXPECT_NE(out.find("unknown operation 'sep_conv_9x9'"), std::string::npos) << out;
}

// configs/train-nb201-fmnist.toml (the second judge of a searched cell) runs at a tiny step count
// on the real Fashion-MNIST, and test.json says whether the cell was connected. A disconnected cell
// gives every image the same logits: exactly the 10.00 % of one class of the balanced test set.
TEST(Cli, Nb201FashionMnistJudgeRunsAndNamesDisconnectedCells) {
  const char* dir = "/usr/share/datasets/fashion-mnist";  // Debian dataset-fashion-mnist
  std::string out;
  if (run_command(std::string("test -f ") + dir + "/t10k-images-idx3-ubyte.gz", out) != 0)
    GTEST_SKIP() << "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)";
  ldarts::test::TempDir tmp;
  const std::string common = "train --config " + ldarts::test::source_path("configs/train-nb201-fmnist.toml") +
                             " --epochs 1 --max-steps 3 --eval-steps 1 --threads 1 --out ";
  ASSERT_EQ(run_ldarts(common + tmp.file("cut") +
                           " --genotype '|none~0|+|none~0|nor_conv_3x3~1|+|none~0|nor_conv_3x3~1|nor_conv_3x3~2|'", out), 0)
      << out;
  EXPECT_NE(out.find("cell is DISCONNECTED"), std::string::npos) << out;
  std::string test_json = ldarts::test::read_text(tmp.file("cut/test.json"));
  EXPECT_NE(test_json.find("\"images\": 10000"), std::string::npos) << test_json;
  EXPECT_NE(test_json.find("\"top1\": 10.0000"), std::string::npos) << test_json;
  EXPECT_NE(test_json.find("\"connected\": false"), std::string::npos) << test_json;
  EXPECT_NE(test_json.find("\"parameter_free_ops\": 3"), std::string::npos) << test_json;
  ASSERT_EQ(run_ldarts(common + tmp.file("skip") +
                           " --genotype '|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|'",
                       out), 0)
      << out;
  test_json = ldarts::test::read_text(tmp.file("skip/test.json"));
  EXPECT_NE(test_json.find("\"connected\": true"), std::string::npos) << test_json;
  EXPECT_NE(test_json.find("\"parameter_free_ops\": 6"), std::string::npos) << test_json;
}
