#include "ldarts/io/graphviz.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "ldarts/core/error.h"

namespace ldarts {

bool graphviz_available() {
  static const bool found = std::system("command -v dot > /dev/null 2>&1") == 0;  // one shell, not one per picture
  return found;
}

std::string render_dot(const std::string& dot, const std::string& format) {
  LDARTS_CHECK(graphviz_available(), "drawing a cell as ", format,
               " needs Graphviz's `dot` (apt-get install graphviz); the .dot source can be drawn later");
  char name[] = "/tmp/ldarts-cell-XXXXXX";
  const int fd = mkstemp(name);
  LDARTS_CHECK(fd >= 0, "cannot create a temporary file in /tmp");
  FILE* f = fdopen(fd, "w");
  LDARTS_CHECK(f != nullptr, "cannot write the temporary file ", name);
  std::fputs(dot.c_str(), f);
  std::fclose(f);
  FILE* pipe = popen(("dot -T" + format + " " + name + " 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) std::remove(name);
  LDARTS_CHECK(pipe != nullptr, "cannot start Graphviz's dot");
  std::string out;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int status = pclose(pipe);
  std::remove(name);
  LDARTS_CHECK(status == 0, "dot -T", format, " failed (exit status ", status, ") on the cell picture");
  return out;
}

}  // namespace ldarts
