// Data readers (good and bad files), splits, the sampler and augmentation.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>

#include "ldarts/core/rng.h"
#include "ldarts/data/augment.h"
#include "ldarts/data/dataset.h"
#include "ldarts/data/sampler.h"
#include "ldarts/data/split.h"
#include "support/test_support.h"

using namespace ldarts;
using test::TempDir;

TEST(Idx, ReadsPlainAndGzipped) {
  TempDir dir;
  test::write_bytes(dir.file("img"), test::idx_images(3, 2, 4));
  test::write_gzip(dir.file("lab.gz"), test::idx_labels({4, 0, 9}));
  const ImageSet set = read_idx(dir.file("img"), dir.file("lab.gz"), 10);
  EXPECT_EQ(set.images.sizes(), (std::vector<int64_t>{3, 1, 2, 4}));
  EXPECT_EQ(set.labels[2].item<int64_t>(), 9);
  EXPECT_EQ(set.images[1][0][1][3].item<uint8_t>(), (8 + 7) * 7 % 256);  // pixel 15 of the stream
}

TEST(Idx, BadFilesNameTheFileAndTheProblem) {
  TempDir dir;
  test::write_bytes(dir.file("img"), test::idx_images(3, 2, 4));
  test::write_bytes(dir.file("lab"), test::idx_labels({1, 2, 3}));
  EXPECT_ERROR_WITH(read_idx(dir.file("nope"), dir.file("lab"), 10), dir.file("nope"), "cannot open");

  test::write_bytes(dir.file("magic"), test::idx_images(3, 2, 4, 0x802));
  EXPECT_ERROR_WITH(read_idx(dir.file("magic"), dir.file("lab"), 10), dir.file("magic"), "magic");

  auto bytes = test::idx_images(3, 2, 4);
  bytes.resize(bytes.size() - 5);
  test::write_bytes(dir.file("short"), bytes);
  EXPECT_ERROR_WITH(read_idx(dir.file("short"), dir.file("lab"), 10), dir.file("short"), "truncated");

  auto gz = test::idx_images(3, 2, 4);
  test::write_gzip(dir.file("short.gz"), std::vector<unsigned char>(gz.begin(), gz.end() - 3));
  EXPECT_ERROR_WITH(read_idx(dir.file("short.gz"), dir.file("lab"), 10), dir.file("short.gz"), "truncated");

  test::write_bytes(dir.file("range"), test::idx_labels({1, 12, 3}));
  EXPECT_ERROR_WITH(read_idx(dir.file("img"), dir.file("range"), 10), dir.file("range"), "label 12", "out of range");

  test::write_bytes(dir.file("count"), test::idx_labels({1, 2}));
  EXPECT_ERROR_WITH(read_idx(dir.file("img"), dir.file("count"), 10), dir.file("count"), "2 labels", "3 images");
}

TEST(Cifar, ReadsRecordsAndRejectsBadOnes) {
  TempDir dir;
  std::vector<unsigned char> rec(2 * 3073, 0);
  rec[0] = 3;
  rec[1] = 200;           // first pixel (red) of image 0
  rec[3073] = 7;          // label of image 1
  test::write_bytes(dir.file("data_batch_1.bin"), rec);
  const ImageSet set = read_cifar_binary({dir.file("data_batch_1.bin")}, 1, 0, 10);
  EXPECT_EQ(set.size(), 2);
  EXPECT_EQ(set.labels[0].item<int64_t>(), 3);
  EXPECT_EQ(set.labels[1].item<int64_t>(), 7);
  EXPECT_EQ(set.images[0][0][0][0].item<uint8_t>(), 200);

  rec.resize(rec.size() - 1);
  test::write_bytes(dir.file("short.bin"), rec);
  EXPECT_ERROR_WITH(read_cifar_binary({dir.file("short.bin")}, 1, 0, 10), dir.file("short.bin"), "truncated");
  std::vector<unsigned char> bad(3073, 0);
  bad[0] = 10;
  test::write_bytes(dir.file("label.bin"), bad);
  EXPECT_ERROR_WITH(read_cifar_binary({dir.file("label.bin")}, 1, 0, 10), dir.file("label.bin"), "label 10");
  EXPECT_ERROR_WITH(load_image_set("cifar10", dir.path(), Split::test), "test_batch.bin", "--data-dir");
}

TEST(Dataset, UnknownNameAndMissingFolder) {
  EXPECT_ERROR_WITH(load_image_set("cifar11", "/tmp", Split::train), "unknown data set 'cifar11'");
  EXPECT_ERROR_WITH(load_image_set("mnist", "/nonexistent-ldarts", Split::train), "data folder /nonexistent-ldarts does not exist", "--data-dir");
  TempDir empty;
  EXPECT_ERROR_WITH(load_image_set("mnist", empty.path(), Split::train), "cannot find " + empty.file("train-images-idx3-ubyte"), "--data-dir");
}

TEST(Dataset, DebianFashionMnist) {
  const std::string dir = default_data_dir("fashion-mnist");
  if (!std::ifstream(dir + "/t10k-labels-idx1-ubyte.gz")) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  const ImageSet test_set = load_image_set("fashion-mnist", "", Split::test);
  EXPECT_EQ(test_set.images.sizes(), (std::vector<int64_t>{10000, 1, 28, 28}));
  EXPECT_EQ(test_set.labels.bincount().min().item<int64_t>(), 1000);  // balanced classes
}

TEST(Split, Nb201SplitFile) {
  const DataSplit s = read_split_file(test::source_path("data/nb201/cifar-split.txt"), 50000);
  EXPECT_EQ(s.train.size(), 25000u);
  EXPECT_EQ(s.valid.size(), 25000u);
  EXPECT_EQ(s.train[0], 0);
  EXPECT_EQ(s.train[1], 5);
  EXPECT_EQ(s.valid[0], 1);
  EXPECT_ERROR_WITH(read_split_file(test::source_path("data/nb201/cifar-split.txt"), 10000), "out of range");
  TempDir dir;
  test::write_text(dir.file("dup.txt"), R"({"train": ["int", ["0", "1"]], "valid": ["int", ["1"]]})");
  EXPECT_ERROR_WITH(read_split_file(dir.file("dup.txt"), 10), dir.file("dup.txt"), "appears twice");
  test::write_text(dir.file("nokey.txt"), R"({"train": ["int", ["0"]]})");
  EXPECT_ERROR_WITH(read_split_file(dir.file("nokey.txt"), 10), "no \"valid\" list");
}

TEST(Split, Fraction) {
  const DataSplit s = fraction_split(10, 0.3);
  EXPECT_EQ(s.train, (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(s.valid.size(), 7u);
  EXPECT_THROW(fraction_split(10, 1.0), std::exception);
}

TEST(Sampler, ReproducibleAndDifferentAcrossEpochs) {
  ShardedSampler a(100, 10, 42), b(100, 10, 42), c(100, 10, 43);
  EXPECT_EQ(a.epoch_order(0), b.epoch_order(0));
  EXPECT_NE(a.epoch_order(0), a.epoch_order(1));
  EXPECT_NE(a.epoch_order(0), c.epoch_order(0));
  auto order = a.epoch_order(3);
  std::sort(order.begin(), order.end());
  for (int64_t i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);  // a permutation
  EXPECT_EQ(a.batch(2, 4), b.batch(2, 4));
}

TEST(Sampler, RanksTakeDisjointSharesOfEachGlobalBatch) {
  ShardedSampler whole(64, 16, 7);
  ShardedSampler r0(64, 16, 7, 0, 2), r1(64, 16, 7, 1, 2);
  EXPECT_EQ(r0.local_batch(), 8);
  for (int step = 0; step < 4; ++step) {
    auto joined = r0.batch(1, step);
    const auto second = r1.batch(1, step);
    joined.insert(joined.end(), second.begin(), second.end());
    EXPECT_EQ(joined, whole.batch(1, step));
  }
  EXPECT_ERROR_WITH(ShardedSampler(64, 15, 7, 0, 2), "multiple");
}

TEST(Augment, NormalizesAndIsSeeded) {
  ImageSet set;
  set.images = torch::full({4, 1, 6, 6}, 255, torch::kByte);
  set.labels = torch::arange(4);
  const Normalization norm{{0.5f}, {0.25f}};
  const Batch plain = make_batch(set, {2, 0}, norm, AugmentOptions{false}, 5);
  EXPECT_TRUE(torch::allclose(plain.images, torch::full({2, 1, 6, 6}, 2.0)));  // (1 - 0.5) / 0.25
  EXPECT_EQ(plain.labels[0].item<int64_t>(), 2);

  set.images = torch::randint(0, 256, {4, 1, 6, 6}).to(torch::kByte);
  const Batch x = make_batch(set, {0, 1, 2, 3}, norm, AugmentOptions{}, 9);
  const Batch y = make_batch(set, {0, 1, 2, 3}, norm, AugmentOptions{}, 9);
  EXPECT_TRUE(torch::equal(x.images, y.images));
  // An image's augmentation does not depend on its batch or position.
  const Batch pair = make_batch(set, {3, 1}, norm, AugmentOptions{}, 9);
  EXPECT_TRUE(torch::equal(pair.images[0], x.images[3]));
  EXPECT_TRUE(torch::equal(pair.images[1], x.images[1]));
  EXPECT_FALSE(torch::equal(make_batch(set, {0, 1, 2, 3}, norm, AugmentOptions{}, 10).images, x.images));
  // Padding is zero before normalization: padded pixels read (0 - 0.5)/0.25 = -2.
  EXPECT_GE(x.images.min().item<double>(), -2.0 - 1e-6);
}
