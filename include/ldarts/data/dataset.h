// Image data sets held in memory as uint8 tensors. Readers check every file and
// name it in their error messages.
#pragma once

#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace ldarts {

struct ImageSet {
  at::Tensor images;  // uint8 [N, C, H, W]
  at::Tensor labels;  // int64 [N]
  int64_t num_classes = 0;
  std::string source;  // where it was read from, for messages

  int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
};

enum class Split { train, test };

// Per-channel mean and standard deviation, on the 0..1 scale.
struct Normalization {
  std::vector<float> mean, std;
};

// Data set names used throughout: fashion-mnist, mnist, cifar10, cifar100, ...
ImageSet load_image_set(const std::string& dataset, const std::string& dir, Split split);
Normalization normalization_of(const std::string& dataset);
// Where the data set lives when --data-dir is not given ("" if nowhere standard).
std::string default_data_dir(const std::string& dataset);
std::vector<std::string> dataset_names();

// What a data set's images look like, known without reading it (for --dry-run
// and benchmark projections): channels, height = width, classes, training images.
struct DatasetShape {
  int64_t channels, image_size, num_classes, train_images;
};
DatasetShape dataset_shape(const std::string& dataset);

// Format readers (one file each in src/data/).
// MNIST / Fashion-MNIST idx files, gzipped or not.
ImageSet read_idx(const std::string& images_path, const std::string& labels_path, int64_t num_classes);
// CIFAR binary version: records of `label_bytes` label bytes then 3×32×32
// pixels; the label used is byte `label_index` of the record.
ImageSet read_cifar_binary(const std::vector<std::string>& files, int label_bytes, int label_index,
                           int64_t num_classes);
// SVHN .mat file (matio): X uint8 [32, 32, 3, N], y 1..10 (10 = digit 0).
ImageSet read_svhn_mat(const std::string& path);
// ImageNet16 pickles (downsampled ImageNet 16×16), classes 1..`classes` kept as labels 0..classes-1.
ImageSet read_imagenet16(const std::vector<std::string>& files, int64_t classes);

}  // namespace ldarts
