#include "ldarts/io/csv_log.h"

#include <cerrno>
#include <cstring>

#include "ldarts/core/error.h"

namespace ldarts {

CsvLog::CsvLog(const std::string& path, const std::vector<std::string>& columns)
    : out_(path, std::ios::trunc), path_(path), columns_(columns.size()) {
  LDARTS_CHECK(out_, "cannot write ", path, ": ", std::strerror(errno));
  std::string header;
  for (const auto& c : columns) header += (header.empty() ? "" : ",") + c;
  write_line(header);
}

void CsvLog::write_line(const std::string& line) {
  out_ << line << '\n';
  out_.flush();
  LDARTS_CHECK(out_, "writing ", path_, " failed: ", std::strerror(errno));
}

}  // namespace ldarts
