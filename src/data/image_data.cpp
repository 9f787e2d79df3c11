#include "ldarts/data/image_data.h"

#include <ATen/ATen.h>

#include <cstdio>
#include <mutex>

#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/core/rng.h"
#include "ldarts/data/jpeg.h"
#include "ldarts/data/transforms.h"

namespace ldarts {

ImageData ImageData::open(const std::string& dataset, const std::string& dir_in, Split split,
                          const DataOptions& options) {
  if (dataset != "imagenet" && dataset != "folder") {
    DataOptions o = options;
    if (dataset == "imagenet16-120") o.augment.pad = 2;  // RandomCrop(16, padding=2), as NB201
    return in_memory(load_image_set(dataset, dir_in, split), normalization_of(dataset), o);
  }
  LDARTS_CHECK(!dir_in.empty(), "--data-dir is required for data set '", dataset, "'");
  // ImageNet: train/ and val/ class trees. folder: <dir>/train/ (or <dir> itself) and <dir>/test/.
  std::string root = dir_in;
  if (dataset == "imagenet") root = dir_in + (split == Split::train ? "/train" : "/val");
  if (dataset == "folder" && split == Split::test) root = dir_in + "/test";
  if (dataset == "folder" && split == Split::train && is_directory(dir_in + "/train")) root = dir_in + "/train";
  return from_files(scan_image_folder(root), normalization_of(dataset), options);
}

ImageData ImageData::in_memory(ImageSet set, const Normalization& norm, const DataOptions& options) {
  ImageData d;
  const at::Tensor labels = set.labels.contiguous();
  d.labels_.assign(labels.data_ptr<int64_t>(), labels.data_ptr<int64_t>() + labels.numel());
  d.memory_ = std::make_shared<const ImageSet>(std::move(set));
  d.norm_ = norm, d.options_ = options;
  return d;
}

ImageData ImageData::from_files(FileImageSet set, const Normalization& norm, const DataOptions& options) {
  ImageData d;
  d.labels_ = set.labels;
  d.files_ = std::make_shared<const FileImageSet>(std::move(set));
  d.norm_ = norm, d.options_ = options;
  return d;
}

int64_t ImageData::size() const { return static_cast<int64_t>(labels_.size()); }
int64_t ImageData::num_classes() const {
  return memory_ ? memory_->num_classes : static_cast<int64_t>(files_->classes.size());
}
int64_t ImageData::channels() const { return memory_ ? memory_->images.size(1) : 3; }
std::string ImageData::source() const { return memory_ ? memory_->source : files_->root; }

Batch ImageData::batch(const std::vector<int64_t>& indices, bool train, uint64_t seed, double cutout_prob) const {
  Batch b;
  if (memory_) {
    AugmentOptions augment = options_.augment;
    augment.enabled = augment.enabled && train;
    if (cutout_prob >= 0) augment.cutout_prob = cutout_prob;
    b = make_batch(*memory_, indices, norm_, augment, seed);
  } else {
    b = file_batch(indices, train, seed);
  }
  if (options_.pin_memory) b.images = b.images.pin_memory(), b.labels = b.labels.pin_memory();
  return b;
}

Batch ImageData::file_batch(const std::vector<int64_t>& indices, bool train, uint64_t seed) const {
  const int64_t size = options_.image_size;
  std::vector<at::Tensor> images;
  std::vector<int64_t> labels;
  for (int64_t index : indices) {
    const std::string path = files_->root + "/" + files_->files.at(index);
    try {
      const std::vector<unsigned char> bytes = read_file_bytes(path);
      const JpegHeader header = read_jpeg_header(bytes, path);
      Rng rng(derive_seed(seed, {static_cast<uint64_t>(index)}));
      at::Tensor image;
      if (train) {
        const CropBox box = random_resized_crop_box(header.height, header.width, rng);
        // Decode at the smallest DCT scale that keeps the crop at least `size` pixels on its shorter side.
        const double need = double(size) / double(std::min(box.height, box.width));
        at::Tensor full = decode_jpeg(bytes, path, options_.dct_scaling ? std::min(1.0, need) : 1.0);
        const double f = double(full.size(1)) / header.height;
        const int64_t top = std::min<int64_t>(full.size(1) - 1, std::llround(box.top * f));
        const int64_t left = std::min<int64_t>(full.size(2) - 1, std::llround(box.left * f));
        const int64_t h = std::max<int64_t>(1, std::min<int64_t>(full.size(1) - top, std::llround(box.height * f)));
        const int64_t w = std::max<int64_t>(1, std::min<int64_t>(full.size(2) - left, std::llround(box.width * f)));
        image = resize(full.narrow(1, top, h).narrow(2, left, w).to(at::kFloat).div_(255.0), size, size);
        if (rng.below(2) == 1) image = image.flip({2});
        image = image.contiguous();
        if (options_.color_jitter) color_jitter_(image, 0.4, 0.4, 0.4, 0.2, rng);
      } else {
        const int64_t resized = size * 8 / 7;  // 256 for 224
        const double need = double(resized) / double(std::min(header.height, header.width));
        const at::Tensor full =
            decode_jpeg(bytes, path, options_.dct_scaling ? std::min(1.0, need) : 1.0).to(at::kFloat).div_(255.0);
        image = center_crop(resize_shorter_side(full, resized), size).contiguous();
      }
      images.push_back(image);
      labels.push_back(labels_[index]);
    } catch (const Error& e) {
      if (!options_.skip_bad_images) throw Error(std::string(e.what()) + " (--skip-bad-images leaves such files out)");
      static std::mutex log_mutex;
      std::lock_guard<std::mutex> lock(log_mutex);
      std::fprintf(stderr, "warning: skipping an unreadable image: %s\n", e.what());
    }
  }
  LDARTS_CHECK(!images.empty(), "every image of a batch was unreadable (first: ", files_->root, "/",
               files_->files.at(indices.front()), ")");
  // Skipped images are replaced by repeating readable ones of the same batch, so
  // every rank keeps its batch size (micro-batches and equal rank shares need it).
  for (size_t k = 0; images.size() < indices.size(); ++k) images.push_back(images[k]), labels.push_back(labels[k]);
  at::Tensor batch = at::stack(images);
  const auto stats = [&](const std::vector<float>& v) { return at::tensor(v).view({1, 3, 1, 1}); };
  batch.sub_(stats(norm_.mean)).div_(stats(norm_.std));
  return {batch, at::tensor(labels, at::kLong)};
}

}  // namespace ldarts
