#include "ldarts/report/json.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "ldarts/core/error.h"

namespace ldarts {
namespace {

class Parser {
 public:
  Parser(const std::string& text, const std::string& source) : text_(text), source_(source) {}

  Json document() {
    Json value = parse_value(0);
    skip_space();
    expect(pos_ == text_.size(), "text after the JSON value");
    return value;
  }

 private:
  void expect(bool ok, const char* what) const {
    LDARTS_CHECK(ok, source_, ": malformed JSON at byte ", pos_, ": ", what);
  }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }
  bool take(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) return ++pos_, true;
    return false;
  }
  bool take_word(const char* word) {
    const std::string w(word);
    if (text_.compare(pos_, w.size(), w) != 0) return false;
    pos_ += w.size();
    return true;
  }

  Json parse_value(int depth) {
    expect(depth < 64, "nested too deeply");
    skip_space();
    expect(pos_ < text_.size(), "unexpected end");
    Json v;
    const char c = text_[pos_];
    if (c == '{') {
      ++pos_;
      v.kind = Json::Kind::object;
      if (take('}')) return v;
      do {
        skip_space();
        expect(pos_ < text_.size() && text_[pos_] == '"', "expected a quoted key");
        const std::string key = parse_string();
        expect(take(':'), "expected ':' after a key");
        if (!v.object.count(key)) v.keys.push_back(key);
        v.object[key] = parse_value(depth + 1);
      } while (take(','));
      expect(take('}'), "expected ',' or '}'");
    } else if (c == '[') {
      ++pos_;
      v.kind = Json::Kind::array;
      if (take(']')) return v;
      do v.array.push_back(parse_value(depth + 1));
      while (take(','));
      expect(take(']'), "expected ',' or ']'");
    } else if (c == '"') {
      v.kind = Json::Kind::string;
      v.string = parse_string();
    } else if (take_word("true")) {
      v.kind = Json::Kind::boolean, v.boolean = true;
    } else if (take_word("false")) {
      v.kind = Json::Kind::boolean;
    } else if (take_word("null")) {
    } else if (take_word("NaN")) {  // what C++ streams write for a NaN metric
      v.kind = Json::Kind::number, v.number = std::nan("");
    } else {
      const char* begin = text_.c_str() + pos_;
      char* end = nullptr;
      v.number = std::strtod(begin, &end);
      expect(end != begin, "expected a value");
      v.kind = Json::Kind::number;
      pos_ += static_cast<size_t>(end - begin);
    }
    return v;
  }

  static void append_utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6)), out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12)), out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18)), out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F)), out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  unsigned hex4() {
    expect(pos_ + 4 <= text_.size(), "short \\u escape");
    const unsigned code = static_cast<unsigned>(std::strtoul(text_.substr(pos_, 4).c_str(), nullptr, 16));
    pos_ += 4;
    return code;
  }

  std::string parse_string() {
    ++pos_;  // the opening quote
    std::string out;
    while (true) {
      expect(pos_ < text_.size(), "unterminated string");
      const char c = text_[pos_++];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      expect(pos_ < text_.size(), "unterminated escape");
      const char e = text_[pos_++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          unsigned code = hex4();
          if (code >= 0xD800 && code < 0xDC00 && text_.compare(pos_, 2, "\\u") == 0) {  // surrogate pair
            pos_ += 2;
            code = 0x10000 + ((code - 0xD800) << 10) + (hex4() - 0xDC00);
          }
          append_utf8(out, code);
          break;
        }
        default: out += e;  // \" \\ \/
      }
    }
  }

  const std::string& text_;
  const std::string& source_;
  size_t pos_ = 0;
};

}  // namespace

const Json& Json::operator[](const std::string& key) const {
  static const Json null_value;
  if (!is_object()) return null_value;
  const auto it = object.find(key);
  return it == object.end() ? null_value : it->second;
}

std::string Json::text() const {
  switch (kind) {
    case Kind::string: return string;
    case Kind::boolean: return boolean ? "true" : "false";
    case Kind::number: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.10g", number);
      return buf;
    }
    default: return "";
  }
}

Json parse_json(const std::string& text, const std::string& source) { return Parser(text, source).document(); }

}  // namespace ldarts
