// Errors the user can act on. Thrown inside, caught in main(), printed as one
// line without library internals.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace ldarts {

// A problem with the user's input (a file, an option, a config value).
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
template <typename... Args>
std::string concat(const Args&... args) {
  std::ostringstream out;
  (out << ... << args);
  return out.str();
}
}  // namespace detail

// Builds a message from any streamable parts: fail("file ", path, ": truncated").
template <typename... Args>
[[noreturn]] void fail(const Args&... args) {
  throw Error(detail::concat(args...));
}

}  // namespace ldarts

// Checks a user-facing condition; the message parts are only built on failure.
#define LDARTS_CHECK(cond, ...)              \
  do {                                       \
    if (!(cond)) ::ldarts::fail(__VA_ARGS__); \
  } while (0)
