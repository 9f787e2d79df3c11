#include "ldarts/io/csv_log.h"

#include <cerrno>
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

void CsvLog::write_line(const std::string& line) {
  out_ << line << '\n';
  out_.flush();
  contents_ += line + '\n';
  LDARTS_CHECK(out_, "writing ", path_, " failed: ", std::strerror(errno));
}

}  // namespace ldarts
