// ImageNet16-120 as NAS-Bench-201 uses it: the downsampled ImageNet 16×16
// pickles (train_data_batch_1..10, val_data; dicts with 'data' uint8
// [N, 3·16·16] planar RGB and 'labels' 1..1000), keeping classes 1..120
// (labels 0..119).
#include <ATen/ATen.h>

#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/data/dataset.h"
#include "ldarts/data/pickle.h"

namespace ldarts {

ImageSet read_imagenet16(const std::vector<std::string>& files, int64_t classes) {
  std::vector<at::Tensor> images;
  std::vector<int64_t> labels;
  for (const std::string& path : files) {
    LDARTS_CHECK(file_exists(path), path, ": no such file (ImageNet16-120 needs the downsampled ImageNet 16x16 "
                 "pickles train_data_batch_1..10 and val_data in --data-dir)");
    const PyRef root = read_pickle(read_file_bytes(path), path);
    LDARTS_CHECK(root->kind == PyValue::dict && root->get("data") && root->get("labels"), path,
                 ": not an ImageNet16 batch (a dict with 'data' and 'labels')");
    std::vector<int64_t> shape;
    const std::string raw = numpy_array_bytes(root->get("data"), shape, path);
    LDARTS_CHECK(shape.size() == 2 && shape[1] == 3 * 16 * 16 && raw.size() % shape[1] == 0 &&
                     shape[0] == int64_t(raw.size()) / shape[1],
                 path,
                 ": 'data' must be uint8 [N, 768], got ", shape.size() == 2 ? shape[1] : 0, " columns and ",
                 raw.size(), " bytes");
    const auto& list = root->get("labels")->items;
    LDARTS_CHECK(int64_t(list.size()) == shape[0], path, ": ", list.size(), " labels for ", shape[0], " images");
    const at::Tensor all = at::from_blob(const_cast<char*>(raw.data()), {shape[0], 3, 16, 16}, at::kByte);
    std::vector<int64_t> keep;
    for (int64_t i = 0; i < shape[0]; ++i) {
      const int64_t label = list[i]->i;
      LDARTS_CHECK(label >= 1 && label <= 1000, path, ": label ", label, " of image ", i, " out of range 1..1000");
      if (label <= classes) keep.push_back(i), labels.push_back(label - 1);
    }
    images.push_back(all.index_select(0, at::tensor(keep, at::kLong)).clone());
  }
  return ImageSet{at::cat(images), at::tensor(labels, at::kLong), classes, files.front()};
}

}  // namespace ldarts
