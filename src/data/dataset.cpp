// The data set registry: names -> readers, standard folders and normalization.
#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/data/dataset.h"

namespace ldarts {
namespace {

// "<dir>/<name>" or "<dir>/<name>.gz", whichever exists (the plain name if neither,
// so the error names what was looked for).
std::string idx_file(const std::string& dir, const std::string& name) {
  const std::string plain = dir + "/" + name;
  if (file_exists(plain)) return plain;
  if (file_exists(plain + ".gz")) return plain + ".gz";
  fail("cannot find ", plain, "[.gz] (set --data-dir to the folder that holds the idx files)");
}

// CIFAR files sit in the given folder or in the archive's subfolder.
std::string cifar_dir(const std::string& dir, const std::string& sub, const std::string& probe) {
  if (file_exists(dir + "/" + probe)) return dir;
  if (file_exists(dir + "/" + sub + "/" + probe)) return dir + "/" + sub;
  fail("cannot find ", dir, "/", probe, " or ", dir, "/", sub, "/", probe,
       " (set --data-dir to the folder with the CIFAR binary version)");
}

}  // namespace

std::vector<std::string> dataset_names() {
  return {"fashion-mnist", "mnist", "cifar10", "cifar100", "svhn", "imagenet", "imagenet16-120", "folder"};
}

std::string default_data_dir(const std::string& dataset) {
  if (dataset == "fashion-mnist") return "/usr/share/datasets/fashion-mnist";
  return "";
}

ImageSet load_image_set(const std::string& dataset, const std::string& dir_in, Split split) {
  const std::string dir = dir_in.empty() ? default_data_dir(dataset) : dir_in;
  LDARTS_CHECK(!dir.empty(), "--data-dir is required for data set '", dataset, "'");
  LDARTS_CHECK(file_exists(dir), "data folder ", dir, " does not exist (set --data-dir to the folder with the ",
               dataset, " files", dataset == "fashion-mnist" ? "; Debian's dataset-fashion-mnist installs them" : "", ")");
  const bool train = split == Split::train;
  if (dataset == "fashion-mnist" || dataset == "mnist") {
    const std::string prefix = train ? "train" : "t10k";
    const std::string images = idx_file(dir, prefix + "-images-idx3-ubyte");
    const std::string labels = idx_file(dir, prefix + "-labels-idx1-ubyte");
    return read_idx(images, labels, 10);
  }
  if (dataset == "cifar10") {
    const std::string d = cifar_dir(dir, "cifar-10-batches-bin", "test_batch.bin");
    std::vector<std::string> files;
    if (train)
      for (int b = 1; b <= 5; ++b) files.push_back(d + "/data_batch_" + std::to_string(b) + ".bin");
    else
      files.push_back(d + "/test_batch.bin");
    return read_cifar_binary(files, 1, 0, 10);
  }
  if (dataset == "cifar100") {
    const std::string d = cifar_dir(dir, "cifar-100-binary", "test.bin");
    return read_cifar_binary({d + (train ? "/train.bin" : "/test.bin")}, 2, 1, 100);  // fine labels
  }
  if (dataset == "svhn") return read_svhn_mat(dir + (train ? "/train_32x32.mat" : "/test_32x32.mat"));
  if (dataset == "imagenet16-120") {
    std::vector<std::string> files;
    if (train)
      for (int b = 1; b <= 10; ++b) files.push_back(dir + "/train_data_batch_" + std::to_string(b));
    else
      files.push_back(dir + "/val_data");
    return read_imagenet16(files, 120);
  }
  if (dataset == "imagenet" || dataset == "folder")
    fail("data set '", dataset, "' is a tree of JPEG files: it is read through ImageData::open, not into memory");
  for (const auto& known : dataset_names())
    if (dataset == known) fail("data set '", dataset, "' is not supported by this build yet");
  std::string names;
  for (const auto& n : dataset_names()) names += (names.empty() ? "" : ", ") + n;
  fail("unknown data set '", dataset, "' (known: ", names, ")");
}

DatasetShape dataset_shape(const std::string& dataset) {
  if (dataset == "fashion-mnist" || dataset == "mnist") return {1, 28, 10, 60000};
  if (dataset == "cifar10") return {3, 32, 10, 50000};
  if (dataset == "cifar100") return {3, 32, 100, 50000};
  if (dataset == "svhn") return {3, 32, 10, 73257};
  if (dataset == "imagenet") return {3, 224, 1000, 1281167};
  if (dataset == "imagenet16-120") return {3, 16, 120, 151700};
  fail("data set '", dataset, "' has no known shape (known: fashion-mnist, mnist, cifar10, cifar100, svhn, imagenet, "
       "imagenet16-120)");
}

Normalization normalization_of(const std::string& dataset) {
  if (dataset == "fashion-mnist") return {{0.2860f}, {0.3530f}};
  if (dataset == "mnist") return {{0.1307f}, {0.3081f}};
  if (dataset == "svhn") return {{0.4377f, 0.4438f, 0.4728f}, {0.1980f, 0.2010f, 0.1970f}};
  if (dataset == "imagenet16-120")  // NB201's values for ImageNet16
    return {{122.68f / 255, 116.66f / 255, 104.01f / 255}, {63.22f / 255, 61.26f / 255, 65.09f / 255}};
  if (dataset == "imagenet" || dataset == "folder") return {{0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f}};
  if (dataset == "cifar100")
    return {{129.3f / 255, 124.1f / 255, 112.4f / 255}, {68.2f / 255, 65.4f / 255, 70.4f / 255}};
  // CIFAR-10 values (the NB201 / AutoDL code's), also the fallback for 3-channel data.
  return {{125.3f / 255, 123.0f / 255, 113.9f / 255}, {63.0f / 255, 62.1f / 255, 66.7f / 255}};
}

}  // namespace ldarts
