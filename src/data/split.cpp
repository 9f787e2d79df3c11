#include "ldarts/data/split.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "ldarts/core/error.h"

namespace ldarts {
namespace {

// Reads the index list that follows "key": ["int", [ ... ]].
std::vector<int64_t> read_list(const std::string& text, const std::string& key, const std::string& path) {
  const size_t at = text.find("\"" + key + "\"");
  LDARTS_CHECK(at != std::string::npos, path, ": no \"", key, "\" list (not an NB201 split file?)");
  const size_t outer = text.find('[', at);
  const size_t open = outer == std::string::npos ? outer : text.find('[', outer + 1);
  const size_t close = open == std::string::npos ? open : text.find(']', open);
  LDARTS_CHECK(close != std::string::npos, path, ": the \"", key, "\" list is malformed or truncated");
  std::vector<int64_t> out;
  int64_t value = 0;
  bool in_number = false;
  for (size_t i = open + 1; i < close; ++i) {
    const char c = text[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      // Bounded: 18 digits cannot overflow int64 (a longer index wrapped negative and wrote before the buffer).
      LDARTS_CHECK(value <= (int64_t(1) << 53), path, ": an index in the \"", key, "\" list is too large");
      value = value * 10 + (c - '0');
      in_number = true;
    } else if (c == '"' || c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      if (in_number) out.push_back(value);
      value = 0;
      in_number = false;
    } else {
      fail(path, ": unexpected character '", c, "' in the \"", key, "\" list");
    }
  }
  if (in_number) out.push_back(value);
  return out;
}

}  // namespace

DataSplit read_split_file(const std::string& path, int64_t dataset_size) {
  std::ifstream in(path);
  LDARTS_CHECK(in, "cannot open split file ", path, ": ", std::strerror(errno));
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  DataSplit split{read_list(text, "train", path), read_list(text, "valid", path)};
  std::vector<char> seen(dataset_size, 0);
  for (const auto* part : {&split.train, &split.valid}) {
    LDARTS_CHECK(!part->empty(), path, ": an empty index list");
    for (int64_t i : *part) {
      LDARTS_CHECK(i >= 0 && i < dataset_size, path, ": index ", i, " is out of range for a training set of ",
                   dataset_size, " images (is this the split of another data set?)");
      LDARTS_CHECK(!seen[i], path, ": index ", i, " appears twice");
      seen[i] = 1;
    }
  }
  return split;
}

DataSplit fraction_split(int64_t n, double train_portion) {
  LDARTS_CHECK(train_portion > 0 && train_portion < 1, "--train-portion must be in (0, 1), got ", train_portion);
  const auto cut = static_cast<int64_t>(std::llround(train_portion * n));
  LDARTS_CHECK(cut > 0 && cut < n, "--train-portion ", train_portion, " leaves an empty part of ", n, " images");
  DataSplit split;
  for (int64_t i = 0; i < n; ++i) (i < cut ? split.train : split.valid).push_back(i);
  return split;
}

}  // namespace ldarts
