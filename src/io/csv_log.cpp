#include "ldarts/io/csv_log.h"

#include <cerrno>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "ldarts/core/error.h"
#include "ldarts/core/files.h"

namespace ldarts {

CsvLog::CsvLog(const std::string& path, const std::vector<std::string>& columns, const std::string& restored)
    : path_(path), columns_(columns.size()) {
  std::string header;
  for (const auto& c : columns) header += (header.empty() ? "" : ",") + c;
  // The file's first version (the header, or the rows a resume restores) replaces any old
  // file atomically: a kill during the rewrite leaves the old file, never a cut one.
  if (restored.empty()) {
    contents_ = header + "\n";
  } else if (restored.rfind(header + "\n", 0) == 0) {
    contents_ = restored;
  } else {
    // A checkpoint of an older ldarts: its columns must all still exist; the new ones stay empty.
    std::istringstream in(restored);
    std::string line;
    std::getline(in, line);
    const std::vector<std::string> old_columns = split_csv_line(line);
    std::vector<int> position(columns.size(), -1);
    for (size_t o = 0; o < old_columns.size(); ++o) {
      const auto it = std::find(columns.begin(), columns.end(), old_columns[o]);
      LDARTS_CHECK(it != columns.end(), path, ": the checkpoint's copy has a column '", old_columns[o],
                   "' that this ldarts does not write");
      position[it - columns.begin()] = int(o);
    }
    contents_ = header + "\n";
    while (std::getline(in, line)) {
      const std::vector<std::string> old_fields = split_csv_line(line);
      std::string row;
      for (size_t i = 0; i < position.size(); ++i) {
        const int p = position[i];
        const std::string field = p >= 0 && p < int(old_fields.size()) ? old_fields[p] : "";
        row += (i ? "," : "") + (field.find(',') == std::string::npos ? field : "\"" + field + "\"");
      }
      contents_ += row + "\n";
    }
  }
  write_file_atomically(path, contents_);
  out_.open(path, std::ios::app);
  LDARTS_CHECK(out_, "cannot write ", path, ": ", std::strerror(errno));
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '"' && quoted && i + 1 < line.size() && line[i + 1] == '"') fields.back() += '"', ++i;
    else if (c == '"') quoted = !quoted;
    else if (c == ',' && !quoted) fields.emplace_back();
    else fields.back() += c;
  }
  return fields;
}

std::string format_number(double value) {
  if (std::isnan(value)) return "";
  if (value == std::trunc(value) && std::fabs(value) < 1e15) return std::to_string(int64_t(value));
  std::ostringstream out;
  out.precision(8);
  out << value;
  return out.str();
}

void CsvLog::row_fields(const std::vector<std::string>& fields) {
  LDARTS_CHECK(fields.size() == columns_, path_, ": row of ", fields.size(), " values, header has ", columns_);
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) line += (i ? "," : "") + fields[i];
  write_line(line);
}

void CsvLog::write_line(const std::string& line) {
  out_ << line << '\n';
  out_.flush();
  contents_ += line + '\n';
  LDARTS_CHECK(out_, "writing ", path_, " failed: ", std::strerror(errno));
}

}  // namespace ldarts
