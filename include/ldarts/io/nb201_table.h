// The NAS-Bench-201 accuracy table (format of data/nb201/nb201_test_acc_200ep.csv):
// header, then CIFAR-10 test, CIFAR-100 test, ImageNet16-120 test, cell string,
// unique string; row k = NB201 index k.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>

namespace ldarts {

struct Nb201Accuracy {
  int index = -1;
  double cifar10 = 0, cifar100 = 0, imagenet16 = 0;  // test accuracy, %
};

class Nb201Table {
 public:
  // Reads and checks the whole table; errors name the file and line.
  static Nb201Table load(const std::string& path);
  std::optional<Nb201Accuracy> find(const std::string& arch) const;
  size_t size() const { return rows_.size(); }

 private:
  std::unordered_map<std::string, Nb201Accuracy> rows_;
};

// The table shipped in the source tree, or "" if it is not there.
std::string default_nb201_table();

}  // namespace ldarts
