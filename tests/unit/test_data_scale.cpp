// Data at scale: SVHN .mat (written with matio here), JPEG trees (encoded here),
// the ImageNet transforms, per-class subsets and their manifest, the
// prefetching loader, sharding, and the bad-input messages.
#include <gtest/gtest.h>
#include <matio.h>
#include <torch/torch.h>

#include <atomic>

#include "ldarts/core/files.h"
#include "ldarts/core/error.h"
#include "ldarts/core/rng.h"
#include "ldarts/data/image_data.h"
#include "ldarts/data/jpeg.h"
#include "ldarts/data/loader.h"
#include "ldarts/data/sampler.h"
#include "ldarts/data/transforms.h"
#include "ldarts/search/search_run.h"
#include "support/test_support.h"

using namespace ldarts;

namespace {

// X uint8 [h, w, 3, n] column-major with pixel (r, c, ch, i) = (r + 2c + 5ch + 7i) % 256, y = labels.
void write_svhn(const std::string& path, int n, const std::vector<double>& labels, int h = 4, int w = 3) {
  std::vector<uint8_t> x(size_t(h) * w * 3 * n);
  for (int i = 0; i < n; ++i)
    for (int ch = 0; ch < 3; ++ch)
      for (int c = 0; c < w; ++c)
        for (int r = 0; r < h; ++r) x[r + h * (c + w * (ch + 3 * i))] = uint8_t((r + 2 * c + 5 * ch + 7 * i) % 256);
  mat_t* mat = Mat_CreateVer(path.c_str(), nullptr, MAT_FT_MAT5);
  ASSERT_NE(mat, nullptr);
  size_t xdims[4] = {size_t(h), size_t(w), 3, size_t(n)}, ydims[2] = {size_t(n), 1};
  matvar_t* xv = Mat_VarCreate("X", MAT_C_UINT8, MAT_T_UINT8, 4, xdims, x.data(), 0);
  std::vector<double> y = labels;
  matvar_t* yv = Mat_VarCreate("y", MAT_C_DOUBLE, MAT_T_DOUBLE, 2, ydims, y.data(), 0);
  Mat_VarWrite(mat, xv, MAT_COMPRESSION_ZLIB);
  Mat_VarWrite(mat, yv, MAT_COMPRESSION_NONE);
  Mat_VarFree(xv);
  Mat_VarFree(yv);
  Mat_Close(mat);
}

// A smooth test picture (JPEG keeps it close): channel ch = 40 + 60ch + r + c.
at::Tensor picture(int64_t h, int64_t w, int shift = 0) {
  auto r = torch::arange(h).view({1, h, 1}), c = torch::arange(w).view({1, 1, w});
  auto ch = torch::arange(3).view({3, 1, 1});
  return (40 + 60 * ch + (r + c + shift) % 50).to(torch::kByte);
}

// <root>/<class>/<i>.JPEG for classes a, b, c with 4, 6, 8 images.
void write_tree(const std::string& root) {
  const std::vector<std::pair<std::string, int>> classes{{"n001", 4}, {"n002", 6}, {"n003", 8}};
  for (const auto& [name, n] : classes) {
    make_dirs(root + "/" + name);
    for (int i = 0; i < n; ++i) {
      const auto bytes = encode_jpeg(picture(60 + 4 * i, 80, i), 95);
      test::write_bytes(root + "/" + name + "/" + std::to_string(i) + ".JPEG", bytes);
    }
  }
  test::write_text(root + "/n001/README.txt", "not an image");  // ignored: no JPEG extension
}

}  // namespace

TEST(DataScale, SvhnMatPixelsAndLabels) {
  test::TempDir dir;
  write_svhn(dir.file("train_32x32.mat"), 5, {1, 2, 10, 9, 10});
  const ImageSet s = read_svhn_mat(dir.file("train_32x32.mat"));
  ASSERT_EQ(s.images.sizes(), (std::vector<int64_t>{5, 3, 4, 3}));
  EXPECT_TRUE(torch::equal(s.labels, torch::tensor({1, 2, 0, 9, 0}, torch::kLong)));  // 10 is the digit 0
  for (int i : {0, 4})
    for (int ch : {0, 2})
      EXPECT_EQ(s.images[i][ch][3][2].item<int>(), (3 + 4 + 5 * ch + 7 * i) % 256) << i << " " << ch;
  write_svhn(dir.file("bad.mat"), 2, {1, 11});
  EXPECT_ERROR_WITH(read_svhn_mat(dir.file("bad.mat")), "bad.mat", "label out of range");
  test::write_text(dir.file("text.mat"), "MATLAB? no");
  EXPECT_ERROR_WITH(read_svhn_mat(dir.file("text.mat")), "text.mat", "not a MATLAB file");
  EXPECT_ERROR_WITH(read_svhn_mat(dir.file("missing.mat")), "missing.mat", "no such file");
}

TEST(DataScale, JpegRoundTripAndDctScaling) {
  const auto image = picture(75, 100);
  const auto bytes = encode_jpeg(image, 95);
  const auto decoded = decode_jpeg(bytes, "p.jpg");
  ASSERT_EQ(decoded.sizes(), image.sizes());
  EXPECT_LT((decoded.to(torch::kFloat) - image.to(torch::kFloat)).abs().mean().item<double>(), 2.0);
  const auto half = decode_jpeg(bytes, "p.jpg", 0.5);  // DCT-domain 1/2
  EXPECT_EQ(half.sizes(), (std::vector<int64_t>{3, 38, 50}));
  EXPECT_EQ(read_jpeg_header(bytes, "p.jpg").width, 100);
  std::vector<unsigned char> truncated(bytes.begin(), bytes.begin() + bytes.size() / 2);
  EXPECT_ERROR_WITH(decode_jpeg(truncated, "cut.jpg"), "cut.jpg", "JPEG");
  EXPECT_ERROR_WITH(decode_jpeg({'G', 'I', 'F'}, "x.jpg"), "x.jpg", "not a readable JPEG");
  EXPECT_ERROR_WITH(decode_jpeg({0x89, 'P', 'N', 'G', 13, 10, 26, 10}, "p.JPEG"), "p.JPEG", "a PNG file");
}

TEST(DataScale, TransformsShapesRangesAndDeterminism) {
  Rng rng(1);
  for (int i = 0; i < 200; ++i) {
    const CropBox b = random_resized_crop_box(375, 500, rng);
    ASSERT_TRUE(b.top >= 0 && b.left >= 0 && b.top + b.height <= 375 && b.left + b.width <= 500);
    const double area = double(b.height) * b.width / (375.0 * 500.0), ratio = double(b.width) / b.height;
    EXPECT_GE(area, 0.079);
    EXPECT_TRUE(ratio >= 0.74 && ratio <= 1.36) << ratio;
  }
  const auto img = picture(375, 500).to(torch::kFloat) / 255;
  EXPECT_EQ(center_crop(resize_shorter_side(img, 256), 224).sizes(), (std::vector<int64_t>{3, 224, 224}));
  EXPECT_EQ(resize_shorter_side(img, 256).sizes(), (std::vector<int64_t>{3, 256, 341}));
  auto a = img.clone(), b = img.clone();
  Rng r1(5), r2(5);
  color_jitter_(a, 0.4, 0.4, 0.4, 0.2, r1);
  color_jitter_(b, 0.4, 0.4, 0.4, 0.2, r2);
  EXPECT_TRUE(torch::equal(a, b));
  EXPECT_GE(a.min().item<double>(), 0.0);
  EXPECT_LE(a.max().item<double>(), 1.0);
  EXPECT_FALSE(torch::equal(a, img));
}

TEST(DataScale, JpegTreeBatchesTrainAndEval) {
  test::TempDir dir;
  write_tree(dir.file("train"));
  const FileImageSet set = scan_image_folder(dir.file("train"));
  EXPECT_EQ(set.classes, (std::vector<std::string>{"n001", "n002", "n003"}));
  ASSERT_EQ(set.size(), 18);
  EXPECT_EQ(set.labels[4], 1);
  DataOptions o;
  o.image_size = 32;
  const ImageData data = ImageData::from_files(set, normalization_of("imagenet"), o);
  const std::vector<int64_t> idx{0, 5, 17};
  const Batch train = data.batch(idx, true, 7), again = data.batch(idx, true, 7), other = data.batch(idx, true, 8);
  EXPECT_EQ(train.images.sizes(), (std::vector<int64_t>{3, 3, 32, 32}));
  EXPECT_TRUE(torch::equal(train.labels, torch::tensor({0, 1, 2}, torch::kLong)));
  EXPECT_TRUE(torch::equal(train.images, again.images));  // seeded per image
  EXPECT_FALSE(torch::equal(train.images, other.images));
  // One image alone gets the same augmentation as inside a batch.
  EXPECT_TRUE(torch::equal(data.batch({5}, true, 7).images[0], train.images[1]));
  const Batch eval = data.batch(idx, false, 0);
  EXPECT_EQ(eval.images.sizes(), (std::vector<int64_t>{3, 3, 32, 32}));
  // Normalized with the ImageNet statistics: pixel 40 + r + c of channel 0 stays in a plausible range.
  EXPECT_LT(eval.images.abs().max().item<double>(), 3.0);
}

TEST(DataScale, PerClassSubsetsAreDisjointProportionalAndStable) {
  std::vector<int64_t> labels;
  for (int c = 0; c < 4; ++c)
    for (int i = 0; i < 40 * (c + 1); ++i) labels.push_back(c);
  const ClassSubsets s = per_class_subsets(labels, 4, 0.1, 0.025, 3);
  std::vector<int> first(4), second(4);
  for (int64_t i : s.first) ++first[labels[i]];
  for (int64_t i : s.second) ++second[labels[i]];
  EXPECT_EQ(first, (std::vector<int>{4, 8, 12, 16}));
  EXPECT_EQ(second, (std::vector<int>{1, 2, 3, 4}));
  std::vector<int64_t> both = s.first;
  both.insert(both.end(), s.second.begin(), s.second.end());
  std::sort(both.begin(), both.end());
  EXPECT_EQ(std::adjacent_find(both.begin(), both.end()), both.end());  // disjoint
  const ClassSubsets again = per_class_subsets(labels, 4, 0.1, 0.025, 3);
  EXPECT_EQ(again.first, s.first);
  EXPECT_EQ(again.second, s.second);
  EXPECT_NE(per_class_subsets(labels, 4, 0.1, 0.025, 4).first, s.first);

  test::TempDir dir;
  write_tree(dir.file("train"));
  const FileImageSet set = scan_image_folder(dir.file("train"));
  const ClassSubsets drawn = per_class_subsets(set.labels, 3, 0.5, 0.25, 1);
  write_manifest(dir.file("m.txt"), set, drawn, "00000000000000aa");
  const ClassSubsets read = read_manifest(dir.file("m.txt"), set, "00000000000000aa");
  // Another run's manifest (another seed or fraction) is never reused.
  EXPECT_ERROR_WITH(read_manifest(dir.file("m.txt"), set, "00000000000000bb"), "m.txt", "drawn by run 00000000000000aa");
  EXPECT_EQ(read.first, drawn.first);
  EXPECT_EQ(read.second, drawn.second);
  test::write_text(dir.file("bad.txt"), "w n009/1.JPEG\n");
  EXPECT_ERROR_WITH(read_manifest(dir.file("bad.txt"), set, "00000000000000aa"), "bad.txt:1", "n009/1.JPEG is not in");
}

TEST(DataScale, ShardsAreDisjointAndCoverTheEpochForOneTwoThreeRanks) {
  for (int world : {1, 2, 3}) {
    std::vector<int64_t> seen;
    for (int rank = 0; rank < world; ++rank) {
      ShardedSampler s(100, 12, 9, rank, world);
      for (int64_t step = 0; step < s.batches_per_epoch(); ++step)
        for (int64_t p : s.batch(4, step)) seen.push_back(p);
    }
    ShardedSampler whole(100, 12, 9);
    std::vector<int64_t> epoch;
    for (int64_t step = 0; step < whole.batches_per_epoch(); ++step)
      for (int64_t p : whole.batch(4, step)) epoch.push_back(p);
    std::sort(seen.begin(), seen.end());
    std::sort(epoch.begin(), epoch.end());
    EXPECT_EQ(seen, epoch) << world;  // union = the epoch, and no position twice
    EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end()) << world;
  }
  // Padding the tail: 100 positions in batches of 12 -> 9 batches, the last one wrapping to the epoch's start.
  ShardedSampler padded(100, 12, 9, 0, 1, true), dropped(100, 12, 9);
  EXPECT_EQ(padded.batches_per_epoch(), 9);
  EXPECT_EQ(dropped.batches_per_epoch(), 8);
  const auto last = padded.batch(2, 8), first = padded.batch(2, 0);
  EXPECT_EQ(std::vector<int64_t>(last.begin() + 4, last.end()), std::vector<int64_t>(first.begin(), first.begin() + 8));
  // Restoring the position (epoch, step) continues the same order: a new sampler gives the same batch.
  ShardedSampler a(100, 12, 9, 1, 2), b(100, 12, 9, 1, 2);
  a.batch(3, 0);
  EXPECT_EQ(a.batch(3, 5), b.batch(3, 5));
}

TEST(DataScale, LoaderKeepsOrderAtAnyThreadCountAndPassesErrorsOn) {
  auto make = [](int64_t k) {
    if (k == 7) throw Error("image 7.JPEG: not a readable JPEG");
    return Batch{torch::full({1}, double(k)), torch::tensor({k})};
  };
  for (int threads : {0, 1, 3}) {
    Prefetcher loader(make, 10, threads, 4);
    for (int64_t k = 0; k < 7; ++k) EXPECT_EQ(loader.next().labels.item<int64_t>(), k) << threads;
    EXPECT_ERROR_WITH(loader.next(), "7.JPEG");
    EXPECT_EQ(loader.next().labels.item<int64_t>(), 8);
  }
  // Leaving early joins the workers (no hang, no leak) with batches still in flight.
  std::atomic<int> built{0};
  {
    Prefetcher loader([&](int64_t k) { ++built; return Batch{torch::zeros({1}), torch::tensor({k})}; }, 1000, 2, 3);
    loader.next();
  }
  EXPECT_LE(built.load(), 1 + 3 + 2);
}

TEST(DataScale, BadTreesSayWhatIsWrong) {
  test::TempDir dir;
  EXPECT_ERROR_WITH(scan_image_folder(dir.file("none")), "does not exist");
  make_dirs(dir.file("empty"));
  EXPECT_ERROR_WITH(scan_image_folder(dir.file("empty")), "no class folders");
  make_dirs(dir.file("tree/a"));
  make_dirs(dir.file("tree/b"));
  test::write_bytes(dir.file("tree/a/1.jpg"), encode_jpeg(picture(20, 20)));
  EXPECT_ERROR_WITH(scan_image_folder(dir.file("tree")), "tree/b: empty class folder");
  test::write_text(dir.file("tree/b/2.jpg"), "this is not a JPEG");
  const FileImageSet set = scan_image_folder(dir.file("tree"));
  DataOptions o;
  o.image_size = 16;
  EXPECT_ERROR_WITH(ImageData::from_files(set, normalization_of("imagenet"), o).batch({0, 1}, true, 0),
                    "tree/b/2.jpg", "not a readable JPEG", "--skip-bad-images");
  o.skip_bad_images = true;
  const Batch kept = ImageData::from_files(set, normalization_of("imagenet"), o).batch({0, 1}, true, 0);
  // The bad file is left out and replaced by a readable image of the batch: the batch keeps its size.
  EXPECT_TRUE(torch::equal(kept.labels, torch::tensor({0, 0}, torch::kLong)));
  EXPECT_ERROR_WITH(ImageData::from_files(set, normalization_of("imagenet"), o).batch({1}, true, 0), "every image");
}


TEST(DataScale, ImageNet16PicklesKeepTheFirst120Classes) {
  test::TempDir dir;
  test::write_bytes(dir.file("val_data"), test::py2_imagenet16_pickle({1, 500, 120, 121, 7}));
  const ImageSet s = load_image_set("imagenet16-120", dir.path(), Split::test);
  ASSERT_EQ(s.images.sizes(), (std::vector<int64_t>{3, 3, 16, 16}));
  EXPECT_TRUE(torch::equal(s.labels, torch::tensor({0, 119, 6}, torch::kLong)));
  // Image 2 (label 120) of the file, channel 1, row 3, column 4: byte (2·31 + 256 + 48 + 4) % 251.
  EXPECT_EQ(s.images[1][1][3][4].item<int>(), (2 * 31 + 256 + 3 * 16 + 4) % 251);
  EXPECT_EQ(s.num_classes, 120);
  // A Python 3 numpy pickle (protocols 2 and 0) where a Python with numpy is at hand.
  const std::string python = std::string(std::getenv("HOME") ? std::getenv("HOME") : "") + "/.cache/ldarts/venv/bin/python";
  std::string out;
  if (file_exists(python) && test::run_command(python + " -c 'import numpy'", out) == 0) {
    for (int protocol : {0, 2}) {
      const std::string file = dir.file("p" + std::to_string(protocol));
      ASSERT_EQ(test::run_command(python + " -c \"import numpy, pickle; d = numpy.arange(2 * 768).astype(numpy.uint8)"
                                  ".reshape(2, 768); pickle.dump({'data': d, 'labels': [3, 1000], 'mean': 0.5}, "
                                  "open('" + file + "', 'wb'), protocol=" + std::to_string(protocol) + ")\"", out), 0) << out;
      const ImageSet p = read_imagenet16({file}, 120);
      ASSERT_EQ(p.size(), 1) << protocol;
      EXPECT_EQ(p.labels[0].item<int64_t>(), 2);
      EXPECT_EQ(p.images[0][2][15][15].item<int>(), 767 % 256) << protocol;
    }
  } else {
    std::printf("[  NOTE    ] no Python with numpy: only the hand-written Python 2 pickle was read\n");
  }
  std::vector<unsigned char> cut = test::py2_imagenet16_pickle({1, 2});
  cut.resize(cut.size() / 2);
  test::write_bytes(dir.file("cut"), cut);
  EXPECT_ERROR_WITH(read_imagenet16({dir.file("cut")}, 120), "cut", "truncated pickle");
  test::write_bytes(dir.file("bad"), test::py2_imagenet16_pickle({1, 1001}));
  EXPECT_ERROR_WITH(read_imagenet16({dir.file("bad")}, 120), "label 1001", "out of range");
}

TEST(DataScale, ImageNetStyleSearchOnAJpegTreeWritesAndReadsItsManifest) {
  test::TempDir dir;
  write_tree(dir.file("data/train"));  // 3 classes of 4, 6, 8 JPEGs
  SearchOptions o;
  o.space = "darts", o.network = "imagenet", o.partial_channels = 2, o.edge_normalization = true;
  o.channels = 4, o.layers = 4, o.dataset = "folder", o.data_dir = dir.file("data");
  o.class_fraction_train = 0.5, o.class_fraction_valid = 0.25;
  o.batch_size = 4, o.epochs = 1, o.max_steps = 1, o.eval_steps = 1, o.threads = 1, o.loader_threads = 2;
  o.out = dir.file("run");
  LocalCommunicator comm;
  run_search(o, "", comm);
  const std::string manifest = test::read_text(dir.file("run/subset-manifest.txt"));
  EXPECT_EQ(std::count(manifest.begin(), manifest.end(), '\n'), 2 + (2 + 3 + 4) + (1 + 2 + 2));  // header, run id, w, a
  EXPECT_NE(test::read_text(dir.file("run/genotype.json")).find("\"normal\""), std::string::npos);
  // A restart reads the manifest back: one that names a vanished file stops it with the name.
  const size_t at = manifest.find("w n001/");
  std::string broken = manifest;
  broken.replace(at, 7, "w n009/");
  test::write_text(dir.file("run/subset-manifest.txt"), broken);
  o.epochs = 2, o.resume = "auto";
  EXPECT_ERROR_WITH(run_search(o, "", comm), "subset-manifest.txt", "is not in");
}
