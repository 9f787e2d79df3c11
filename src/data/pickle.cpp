#include "ldarts/data/pickle.h"

#include <cstring>
#include <map>

#include "ldarts/core/error.h"

namespace ldarts {
namespace {

PyRef make(PyValue::Kind kind) {
  auto v = std::make_shared<PyValue>();
  v->kind = kind;
  return v;
}

// UTF-8 of a code point.
void append_utf8(std::string& out, uint32_t c) {
  if (c < 0x80) {
    out += char(c);
  } else if (c < 0x800) {
    out += char(0xC0 | (c >> 6)), out += char(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += char(0xE0 | (c >> 12)), out += char(0x80 | ((c >> 6) & 0x3F)), out += char(0x80 | (c & 0x3F));
  } else {
    out += char(0xF0 | (c >> 18)), out += char(0x80 | ((c >> 12) & 0x3F)), out += char(0x80 | ((c >> 6) & 0x3F));
    out += char(0x80 | (c & 0x3F));
  }
}

// Latin-1 bytes of a UTF-8 text whose code points are all below 256 (numpy's
// protocol-2 arrays under Python 3: _codecs.encode(text, 'latin1')).
std::string latin1_of(const std::string& utf8, const std::string& name) {
  std::string out;
  out.reserve(utf8.size());
  for (size_t i = 0; i < utf8.size();) {
    const unsigned char c = utf8[i];
    if (c < 0x80) {
      out += char(c), i += 1;
    } else {
      LDARTS_CHECK((c == 0xC2 || c == 0xC3) && i + 1 < utf8.size(), name, ": text is not Latin-1");
      out += char(((c & 0x1F) << 6) | (static_cast<unsigned char>(utf8[i + 1]) & 0x3F)), i += 2;
    }
  }
  return out;
}

class Reader {
 public:
  Reader(const std::vector<unsigned char>& d, const std::string& name) : d_(d), name_(name) {}

  // One switch over the opcodes, as CPython's unpickler loop is: longer than the other
  // functions on purpose, each case a few lines and every bound checked where it is read.
  PyRef run() {
    for (;;) {
      const unsigned char op = byte();
      switch (op) {
        case 0x80: byte(); break;            // PROTO
        case 0x95: bytes(8); break;          // FRAME
        case '(': marks_.push_back(stack_.size()); break;
        case '.': LDARTS_CHECK(!stack_.empty(), name_, ": empty pickle"); return stack_.back();
        case 'N': push(make(PyValue::none)); break;
        case 0x88: case 0x89: { auto v = make(PyValue::boolean); v->i = op == 0x88; push(v); break; }
        case 'I': case 'L': {
          std::string t = line();
          if (!t.empty() && t.back() == 'L') t.pop_back();
          auto v = make(t == "01" || t == "00" ? PyValue::boolean : PyValue::integer);
          v->i = std::stoll(t);
          push(v);
          break;
        }
        case 'J': push_int(int32_t(le(4))); break;
        case 'K': push_int(byte()); break;
        case 'M': push_int(le(2)); break;
        case 0x8a: {  // LONG1: little-endian two's complement
          const size_t n = byte();
          LDARTS_CHECK(n <= 8, name_, ": integer of ", n, " bytes in the pickle (at most 8 supported)");
          uint64_t x = 0;  // unsigned: shifting into the sign bit of an int64_t is undefined
          for (size_t k = 0; k < n; ++k) x |= uint64_t(byte()) << (8 * k);
          if (n > 0 && n < 8 && (x >> (8 * n - 1)) & 1) x |= ~uint64_t(0) << (8 * n);  // sign-extend
          push_int(static_cast<int64_t>(x));
          break;
        }
        case 'F': { auto v = make(PyValue::real); v->f = std::stod(line()); push(v); break; }
        case 'G': {
          uint64_t bits = 0;
          for (int k = 0; k < 8; ++k) bits = (bits << 8) | byte();  // big-endian
          auto v = make(PyValue::real);
          std::memcpy(&v->f, &bits, 8);
          push(v);
          break;
        }
        case 'S': push_string(PyValue::bytes, unquote(line())); break;
        case 'T': push_string(PyValue::bytes, bytes(le(4))); break;
        case 'U': push_string(PyValue::bytes, bytes(byte())); break;
        case 'B': push_string(PyValue::bytes, bytes(le(4))); break;
        case 'C': push_string(PyValue::bytes, bytes(byte())); break;
        case 0x8e: push_string(PyValue::bytes, bytes(le(8))); break;
        case 'V': push_string(PyValue::text, raw_unicode(line())); break;
        case 'X': push_string(PyValue::text, bytes(le(4))); break;
        case 0x8c: push_string(PyValue::text, bytes(byte())); break;
        case 0x8d: push_string(PyValue::text, bytes(le(8))); break;
        case ')': push(make(PyValue::tuple)); break;
        case 't': push(collect(PyValue::tuple)); break;
        case 0x85: case 0x86: case 0x87: {
          auto v = make(PyValue::tuple);
          const size_t n = op - 0x84;
          LDARTS_CHECK(stack_.size() >= n, name_, ": corrupt pickle (tuple of ", n, ")");
          v->items.assign(stack_.end() - n, stack_.end());
          stack_.resize(stack_.size() - n);
          push(v);
          break;
        }
        case ']': push(make(PyValue::list)); break;
        case 'l': push(collect(PyValue::list)); break;
        case '}': push(make(PyValue::dict)); break;
        case 'd': push(collect(PyValue::dict)); break;
        case 'a': { PyRef x = pop(); top()->items.push_back(x); break; }
        case 'e': case 'u': {
          PyRef marked = collect(PyValue::list);
          PyRef target = top();
          target->items.insert(target->items.end(), marked->items.begin(), marked->items.end());
          break;
        }
        case 's': { PyRef v = pop(), k = pop(); top()->items.push_back(k), top()->items.push_back(v); break; }
        case 'c': {
          auto v = make(PyValue::global);
          const std::string module = line();
          v->s = module + "." + line();
          push(v);
          break;
        }
        case 0x93: {
          PyRef n = pop(), m = pop();
          auto v = make(PyValue::global);
          v->s = m->s + "." + n->s;
          push(v);
          break;
        }
        case 'R': case 0x81: {
          PyRef args = pop(), callable = pop();
          auto v = make(PyValue::call);
          v->items = {callable, args, make(PyValue::none)};  // a state until BUILD: never a null item
          push(v);
          break;
        }
        case 'b': {  // BUILD: the state of an object made by REDUCE/NEWOBJ (the only kind we build)
          PyRef state = pop();
          LDARTS_CHECK(top()->kind == PyValue::call, name_, ": corrupt pickle (BUILD without an object)");
          top()->items[2] = state;
          break;
        }
        case 'p': memo_[std::stoll(line())] = top(); break;
        case 'q': memo_[byte()] = top(); break;
        case 'r': memo_[le(4)] = top(); break;
        case 0x94: memo_[int64_t(memo_.size())] = top(); break;
        case 'g': push(memo(std::stoll(line()))); break;
        case 'h': push(memo(byte())); break;
        case 'j': push(memo(le(4))); break;
        default: fail(name_, ": unsupported pickle opcode 0x", std::hex, int(op), " at byte ", std::dec, pos_ - 1);
      }
    }
  }

 private:
  unsigned char byte() {
    LDARTS_CHECK(pos_ < d_.size(), name_, ": truncated pickle (", d_.size(), " bytes)");
    return d_[pos_++];
  }
  std::string bytes(size_t n) {
    LDARTS_CHECK(n <= d_.size() - pos_, name_, ": truncated pickle (", d_.size(), " bytes, needs ", pos_ + n, ")");
    std::string s(reinterpret_cast<const char*>(d_.data()) + pos_, n);
    pos_ += n;
    return s;
  }
  uint64_t le(int n) {
    uint64_t x = 0;
    for (int k = 0; k < n; ++k) x |= uint64_t(byte()) << (8 * k);
    return x;
  }
  std::string line() {
    std::string s;
    for (unsigned char c = byte(); c != '\n'; c = byte()) s += char(c);
    return s;
  }
  // Python 2 repr of a str: quoted, with \\ \' \" \n \r \t \xhh escapes.
  std::string unquote(const std::string& t) {
    LDARTS_CHECK(t.size() >= 2 && (t[0] == '\'' || t[0] == '"') && t.back() == t[0], name_, ": bad STRING in pickle");
    std::string out;
    for (size_t i = 1; i + 1 < t.size(); ++i) {
      if (t[i] != '\\') { out += t[i]; continue; }
      const char e = t[++i];
      if (e == 'n') out += '\n';
      else if (e == 'r') out += '\r';
      else if (e == 't') out += '\t';
      else if (e == 'x') out += char(std::stoi(t.substr(i + 1, 2), nullptr, 16)), i += 2;
      else out += e;
    }
    return out;
  }
  // raw-unicode-escape: \uXXXX (and \UXXXXXXXX); other bytes are Latin-1 code points.
  std::string raw_unicode(const std::string& t) {
    std::string out;
    for (size_t i = 0; i < t.size(); ++i) {
      if (t[i] == '\\' && i + 5 < t.size() + 0 && (t[i + 1] == 'u' || t[i + 1] == 'U')) {
        const int n = t[i + 1] == 'u' ? 4 : 8;
        append_utf8(out, uint32_t(std::stoul(t.substr(i + 2, n), nullptr, 16)));
        i += 1 + n;
      } else {
        append_utf8(out, static_cast<unsigned char>(t[i]));
      }
    }
    return out;
  }
  void push(PyRef v) { stack_.push_back(std::move(v)); }
  void push_int(int64_t x) { auto v = make(PyValue::integer); v->i = x; push(v); }
  void push_string(PyValue::Kind kind, std::string s) { auto v = make(kind); v->s = std::move(s); push(v); }
  PyRef pop() {
    LDARTS_CHECK(!stack_.empty(), name_, ": corrupt pickle (stack underflow)");
    PyRef v = stack_.back();
    stack_.pop_back();
    return v;
  }
  PyRef top() {
    LDARTS_CHECK(!stack_.empty(), name_, ": corrupt pickle (empty stack)");
    return stack_.back();
  }
  PyRef collect(PyValue::Kind kind) {
    LDARTS_CHECK(!marks_.empty(), name_, ": corrupt pickle (no MARK)");
    const size_t m = marks_.back();
    marks_.pop_back();
    LDARTS_CHECK(m <= stack_.size(), name_, ": corrupt pickle (stack popped below its MARK)");
    auto v = make(kind);
    v->items.assign(stack_.begin() + m, stack_.end());
    stack_.resize(m);
    return v;
  }
  PyRef memo(int64_t k) {
    const auto it = memo_.find(k);
    LDARTS_CHECK(it != memo_.end(), name_, ": corrupt pickle (memo ", k, " unset)");
    return it->second;
  }

  const std::vector<unsigned char>& d_;
  std::string name_;
  size_t pos_ = 0;
  std::vector<PyRef> stack_;
  std::vector<size_t> marks_;
  std::map<int64_t, PyRef> memo_;
};

}  // namespace

PyRef PyValue::get(const std::string& key) const {
  for (size_t k = 0; k + 1 < items.size(); k += 2)
    if ((items[k]->kind == text || items[k]->kind == bytes) && items[k]->s == key) return items[k + 1];
  return nullptr;
}

PyRef read_pickle(const std::vector<unsigned char>& data, const std::string& name) {
  LDARTS_CHECK(!data.empty(), name, ": empty file");
  try {
    return Reader(data, name).run();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {  // a malformed number in a text opcode (stoll, stod)
    fail(name, ": corrupt pickle (", e.what(), ")");
  }
}

std::string numpy_array_bytes(const PyRef& v, std::vector<int64_t>& shape, const std::string& name) {
  LDARTS_CHECK(v && v->kind == PyValue::call && v->items.size() == 3 && v->items[0]->kind == PyValue::global &&
                   v->items[0]->s.find("_reconstruct") != std::string::npos &&
                   v->items[2]->kind == PyValue::tuple && v->items[2]->items.size() >= 5,
               name, ": not a pickled numpy array");
  const auto& state = v->items[2]->items;  // (version, shape, dtype, is_fortran, data)
  shape.clear();
  LDARTS_CHECK(state[1]->kind == PyValue::tuple, name, ": a numpy array without a shape tuple");
  for (const PyRef& d : state[1]->items) {
    LDARTS_CHECK(d->kind == PyValue::integer && d->i >= 0, name, ": a numpy array shape of something other than "
                 "sizes (damaged or crafted)");
    shape.push_back(d->i);
  }
  const PyRef& raw = state[4];
  if (raw->kind == PyValue::bytes) return raw->s;
  // Python 3 protocols < 3: _codecs.encode(text, 'latin1')
  LDARTS_CHECK(raw->kind == PyValue::call && raw->items[0]->s.find("encode") != std::string::npos &&
                   !raw->items[1]->items.empty() && raw->items[1]->items[0]->kind == PyValue::text,
               name, ": numpy array data of an unknown form");
  return latin1_of(raw->items[1]->items[0]->s, name);
}

}  // namespace ldarts
