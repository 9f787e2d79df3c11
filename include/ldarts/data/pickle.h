// A small reader of Python pickles (protocols 0–4, the opcodes that pickled
// dicts, lists, numbers, strings and numpy arrays use), for data sets that are
// published as pickles (ImageNet16-120). It builds a tree of values; nothing
// is executed: a GLOBAL is kept as its name and REDUCE/BUILD as a call record.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ldarts {

struct PyValue;
using PyRef = std::shared_ptr<PyValue>;

struct PyValue {
  enum Kind { none, boolean, integer, real, bytes, text, tuple, list, dict, global, call } kind = none;
  int64_t i = 0;
  double f = 0;
  std::string s;             // bytes, text (UTF-8), global "module.name"
  std::vector<PyRef> items;  // tuple, list; dict: key, value, key, value, ...; call: callable, args, state
  // dict lookup by a text or bytes key (nullptr if absent)
  PyRef get(const std::string& key) const;
};

PyRef read_pickle(const std::vector<unsigned char>& data, const std::string& name);

// The bytes of a numpy array pickled by numpy (ndarray._reconstruct + BUILD
// state) and its shape; an Error naming `name` when `value` is not one.
std::string numpy_array_bytes(const PyRef& value, std::vector<int64_t>& shape, const std::string& name);

}  // namespace ldarts
