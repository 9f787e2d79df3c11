#include "ldarts/io/csv_log.h"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "ldarts/core/error.h"

namespace ldarts {

CsvLog::CsvLog(const std::string& path, const std::vector<std::string>& columns, const std::string& restored)
    : out_(path, std::ios::trunc), path_(path), columns_(columns.size()) {
  LDARTS_CHECK(out_, "cannot write ", path, ": ", std::strerror(errno));
  std::string header;
  for (const auto& c : columns) header += (header.empty() ? "" : ",") + c;
  if (restored.empty()) {
    write_line(header);
    return;
  }
  LDARTS_CHECK(restored.rfind(header + "\n", 0) == 0, path, ": the checkpoint's copy has other columns than this ldarts writes");
  out_ << restored;
  out_.flush();
  contents_ = restored;
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
