#include "ldarts/io/nb201_table.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "ldarts/core/error.h"

namespace ldarts {

Nb201Table Nb201Table::load(const std::string& path) {
  std::ifstream in(path);
  LDARTS_CHECK(in, "cannot open NB201 table ", path, ": ", std::strerror(errno));
  std::string line;
  LDARTS_CHECK(std::getline(in, line) && line.rfind("CIFAR10TestAccuracy200Epochs", 0) == 0, path,
               ": not an NB201 accuracy table (the header must start with CIFAR10TestAccuracy200Epochs)");
  Nb201Table table;
  int index = 0;
  for (int line_no = 2; std::getline(in, line); ++line_no) {
    if (line.empty()) continue;
    std::vector<std::string> fields;
    std::stringstream ss(line);
    for (std::string f; std::getline(ss, f, ',');) fields.push_back(f);
    LDARTS_CHECK(fields.size() >= 4, path, ":", line_no, ": expected 5 comma-separated fields, got ", fields.size());
    Nb201Accuracy acc;
    try {
      acc = Nb201Accuracy{index, std::stod(fields[0]), std::stod(fields[1]), std::stod(fields[2])};
    } catch (const std::exception&) {
      fail(path, ":", line_no, ": accuracy fields are not numbers");
    }
    table.rows_[fields[3]] = acc;
    ++index;
  }
  LDARTS_CHECK(!table.rows_.empty(), path, ": the table has no rows");
  return table;
}

std::optional<Nb201Accuracy> Nb201Table::find(const std::string& arch) const {
  auto it = rows_.find(arch);
  if (it == rows_.end()) return std::nullopt;
  return it->second;
}

std::string default_nb201_table() {
  const std::string path = std::string(LDARTS_SOURCE_DIR) + "/data/nb201/nb201_test_acc_200ep.csv";
  return std::ifstream(path) ? path : "";
}

}  // namespace ldarts
