// An append-only CSV file, flushed after every row so that a killed run keeps
// everything logged before the kill.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ldarts/core/error.h"

namespace ldarts {

// The fields of one CSV line ("..." quotes a field holding commas; "" is a quote).
std::vector<std::string> split_csv_line(const std::string& line);

// A number as CSV rows write it: integers exactly, others with 8 significant
// digits (std::ostream's precision 8); NaN is an empty field.
std::string format_number(double value);

class CsvLog {
 public:
  CsvLog() = default;
  // Creates (truncates) `path` and writes the header row, or, when resuming,
  // the header and rows of `restored` (what a checkpoint kept). Rows of a
  // checkpoint of an older ldarts with fewer columns get empty new ones.
  CsvLog(const std::string& path, const std::vector<std::string>& columns, const std::string& restored = "");
  // Everything written so far, header included (goes into checkpoints).
  const std::string& contents() const { return contents_; }
  bool is_open() const { return out_.is_open(); }

  // Appends one row of fields as they are.
  void row_fields(const std::vector<std::string>& fields);

  // Appends one row; values are written with full precision.
  template <typename... Values>
  void row(const Values&... values) {
    LDARTS_CHECK(sizeof...(Values) == columns_, path_, ": row of ", sizeof...(Values), " values, header has ", columns_);
    std::ostringstream line;
    line.precision(8);
    bool first = true;
    ((line << (first ? "" : ",") << values, first = false), ...);
    write_line(line.str());
  }

 private:
  void write_line(const std::string& line);
  std::ofstream out_;
  std::string path_;
  std::string contents_;
  size_t columns_ = 0;
};

}  // namespace ldarts
