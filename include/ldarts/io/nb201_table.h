// The NAS-Bench-201 accuracy table (format of data/nb201/nb201_test_acc_200ep.csv):
// header, then CIFAR-10 test, CIFAR-100 test, ImageNet16-120 test, cell string,
// unique string; row k = NB201 index k. Beside it, where present, the CIFAR-10
// validation table data/nb201/nb201_cifar10_valid_200ep.csv (Index,
// ArchitectureString, CIFAR10ValidXValid200Epochs, ...): the paper's Table 1
// "valid" column (train on NB201's 25k train half, accuracy on the 25k valid half).
#pragma once

#include <optional>
#include <string>
#include <unordered_map>

namespace ldarts {

struct Nb201Accuracy {
  int index = -1;
  double cifar10 = 0, cifar100 = 0, imagenet16 = 0;  // test accuracy, %
  double cifar10_valid = 0;                         // x-valid accuracy, %; NaN without the validation table
};

class Nb201Table {
 public:
  // Reads and checks the whole table, and the validation table
  // kNb201ValidFile in the same folder if there is one; errors name the file
  // and line.
  static Nb201Table load(const std::string& path);
  std::optional<Nb201Accuracy> find(const std::string& arch) const;
  size_t size() const { return rows_.size(); }
  bool has_valid() const { return has_valid_; }

 private:
  void load_valid(const std::string& path);
  std::unordered_map<std::string, Nb201Accuracy> rows_;
  bool has_valid_ = false;
};

extern const char* const kNb201ValidFile;  // "nb201_cifar10_valid_200ep.csv"

// The table shipped in the source tree, or "" if it is not there.
std::string default_nb201_table();

}  // namespace ldarts
