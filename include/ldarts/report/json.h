// A small JSON reader for the run folder's own files (run.json, space.json,
// alphas.jsonl, test.json). Not a general-purpose library: numbers are doubles,
// strings understand the usual escapes (\uXXXX becomes UTF-8).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace ldarts {

struct Json {
  enum class Kind { null, boolean, number, string, array, object };
  Kind kind = Kind::null;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Json> array;
  std::map<std::string, Json> object;
  std::vector<std::string> keys;  // object keys in file order

  bool is_object() const { return kind == Kind::object; }
  bool is_array() const { return kind == Kind::array; }
  bool is_number() const { return kind == Kind::number; }
  bool is_string() const { return kind == Kind::string; }
  bool has(const std::string& key) const { return is_object() && object.count(key) > 0; }
  // The member `key`; a null value when absent (so lookups chain without checks).
  const Json& operator[](const std::string& key) const;
  // A scalar as text: strings as they are, numbers as %g, booleans true/false.
  std::string text() const;
};

// Parses one JSON value; an Error naming `source` and the byte offset when malformed.
Json parse_json(const std::string& text, const std::string& source);

}  // namespace ldarts
