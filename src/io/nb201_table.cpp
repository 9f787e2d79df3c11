#include "ldarts/io/nb201_table.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "ldarts/core/error.h"

namespace ldarts {

const char* const kNb201ValidFile = "nb201_cifar10_valid_200ep.csv";

namespace {

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream ss(line);
  for (std::string f; std::getline(ss, f, ',');) fields.push_back(f);
  return fields;
}

// An accuracy in % (0..100); anything else is an error naming the place.
double accuracy(const std::string& field, const std::string& path, int line_no) {
  size_t used = 0;
  double v = std::nan("");
  try {
    v = std::stod(field, &used);
  } catch (const std::exception&) {
  }
  LDARTS_CHECK(used == field.size() && v >= 0 && v <= 100, path, ":", line_no, ": '", field.substr(0, 40),
               "' is not an accuracy in % (0 to 100)");
  return v;
}

}  // namespace

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
    const std::vector<std::string> fields = split_fields(line);
    LDARTS_CHECK(fields.size() >= 4, path, ":", line_no, ": expected 5 comma-separated fields, got ", fields.size());
    Nb201Accuracy acc{index, accuracy(fields[0], path, line_no), accuracy(fields[1], path, line_no),
                      accuracy(fields[2], path, line_no), std::nan("")};
    table.rows_[fields[3]] = acc;
    ++index;
  }
  LDARTS_CHECK(!table.rows_.empty(), path, ": the table has no rows");
  const size_t slash = path.rfind('/');
  const std::string valid = (slash == std::string::npos ? std::string() : path.substr(0, slash + 1)) + kNb201ValidFile;
  if (std::ifstream(valid)) table.load_valid(valid);
  return table;
}

void Nb201Table::load_valid(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  LDARTS_CHECK(std::getline(in, line) && line.rfind("Index,ArchitectureString,CIFAR10ValidXValid200Epochs", 0) == 0,
               path, ": not the NB201 CIFAR-10 validation table (the header must start with "
               "Index,ArchitectureString,CIFAR10ValidXValid200Epochs); remove it or replace it with the shipped one");
  size_t found = 0;
  for (int line_no = 2; std::getline(in, line); ++line_no) {
    if (line.empty()) continue;
    const std::vector<std::string> fields = split_fields(line);
    LDARTS_CHECK(fields.size() >= 3, path, ":", line_no, ": expected 5 comma-separated fields, got ", fields.size());
    auto row = rows_.find(fields[1]);
    LDARTS_CHECK(row != rows_.end(), path, ":", line_no, ": cell '", fields[1].substr(0, 120),
                 "' is not in the test-accuracy table beside it");
    LDARTS_CHECK(std::isnan(row->second.cifar10_valid), path, ":", line_no, ": cell '", fields[1], "' appears twice");
    row->second.cifar10_valid = accuracy(fields[2], path, line_no);
    ++found;
  }
  LDARTS_CHECK(found == rows_.size(), path, ": has ", found, " cells, the test-accuracy table ", rows_.size());
  has_valid_ = true;
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
