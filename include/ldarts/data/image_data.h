// The images of a run behind one call that builds a batch, whether they are
// held in memory (idx, CIFAR, SVHN: crop + flip + cutout) or are JPEG files
// decoded on demand (ImageNet, folder: RandomResizedCrop + flip + colour jitter
// for training, resize + centre crop for evaluation). Every image's
// randomness comes from (seed, image index), so a batch is the same whichever
// thread, rank or micro-batch builds it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ldarts/data/augment.h"
#include "ldarts/data/dataset.h"
#include "ldarts/data/image_folder.h"

namespace ldarts {

struct DataOptions {
  AugmentOptions augment;      // in-memory sets
  int64_t image_size = 224;    // file sets: the crop size (evaluation: resize to size·8/7, centre crop)
  bool color_jitter = true;    // file sets, training batches: brightness/contrast/saturation 0.4, hue 0.2
  bool skip_bad_images = false;  // file sets: log and leave out unreadable images instead of failing
  bool dct_scaling = true;       // file sets: decode JPEGs at a reduced DCT scale when the output allows
  bool pin_memory = false;       // page-locked batches for fast, asynchronous copies to the GPU
};

class ImageData {
 public:
  // fashion-mnist, mnist, cifar10, cifar100, svhn (in memory); imagenet, folder (files).
  static ImageData open(const std::string& dataset, const std::string& dir, Split split, const DataOptions& options);
  static ImageData in_memory(ImageSet set, const Normalization& norm, const DataOptions& options);
  static ImageData from_files(FileImageSet set, const Normalization& norm, const DataOptions& options);

  int64_t size() const;
  int64_t num_classes() const;
  int64_t channels() const;
  const std::vector<int64_t>& labels() const { return labels_; }
  const FileImageSet* files() const { return files_.get(); }
  std::string source() const;
  // --loader-threads resolved: `requested` if >= 0, else 0 for in-memory data
  // (building its batches takes about a millisecond; a worker competing with the
  // step's OpenMP threads cost more than it saved: 12.6 s vs 18.6 s for 8 tiny
  // search steps on 2 cores) and 4 for JPEG trees.
  int loader_threads(int requested) const { return requested >= 0 ? requested : (files_ ? 4 : 0); }

  // train: the training transforms; else the evaluation transforms.
  // cutout_prob: in-memory data with cutout, this batch's probability (the search's ramp).
  Batch batch(const std::vector<int64_t>& indices, bool train, uint64_t seed, double cutout_prob = -1) const;

 private:
  Batch file_batch(const std::vector<int64_t>& indices, bool train, uint64_t seed) const;

  std::shared_ptr<const ImageSet> memory_;
  std::shared_ptr<const FileImageSet> files_;
  std::vector<int64_t> labels_;
  Normalization norm_;
  DataOptions options_;
};

}  // namespace ldarts
