// The registry of --method values. Methods register themselves (LDARTS_REGISTER_METHOD
// in their own file); nothing here names one.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "ldarts/core/error.h"
#include "ldarts/search/method.h"

namespace ldarts {
namespace {

// A function-local static: registrations run during static initialization, in any order.
std::vector<MethodInfo>& registry() {
  static std::vector<MethodInfo> methods;
  return methods;
}

// Parses one option's text into the field bound to `name`, if this is it.
class TextSink final : public OptionSink {
 public:
  TextSink(std::string name, std::string value) : name_(std::move(name)), value_(std::move(value)) {}
  bool found() const { return found_; }
  void add(const std::string& name, double& v, const std::string&) override { set(name, v); }
  void add(const std::string& name, int& v, const std::string&) override { set(name, v); }
  void add(const std::string& name, bool& v, const std::string&) override {
    if (name != name_) return;
    LDARTS_CHECK(value_ == "true" || value_ == "false" || value_ == "1" || value_ == "0", "--", name_,
                 " takes true or false, got '", value_, "'");
    v = value_ == "true" || value_ == "1", found_ = true;
  }
  void add(const std::string& name, std::vector<int64_t>& v, const std::string&) override { set_list(name, v); }
  void add(const std::string& name, std::vector<double>& v, const std::string&) override { set_list(name, v); }

 private:
  template <class T>
  void set(const std::string& name, T& v) {
    if (name != name_) return;
    std::istringstream in(value_);
    LDARTS_CHECK((in >> v) && (in >> std::ws).eof(), "--", name_, ": not a number: '", value_, "'");
    found_ = true;
  }
  template <class T>
  void set_list(const std::string& name, std::vector<T>& v) {
    if (name != name_) return;
    std::string text = value_;
    std::replace(text.begin(), text.end(), ',', ' ');
    std::istringstream in(text);
    std::vector<T> values;
    for (T x; in >> x;) values.push_back(x);
    LDARTS_CHECK(in.eof() && !values.empty(), "--", name_, ": not a list of numbers: '", value_, "'");
    v = values, found_ = true;
  }
  std::string name_, value_;
  bool found_ = false;
};

}  // namespace

bool register_method(MethodInfo info) {
  for (const MethodInfo& m : registry())
    if (m.name == info.name) fail("two search methods are registered as '", info.name, "'");
  registry().push_back(std::move(info));
  return true;
}

std::vector<const MethodInfo*> registered_methods() {
  return registered_in_order(registry(), [](const MethodInfo&) { return true; });
}

const MethodInfo& find_method(const std::string& name) {
  for (const MethodInfo& m : registry())
    if (m.name == name) return m;
  std::string known;
  for (const std::string& m : method_names()) known += (known.empty() ? "" : ", ") + m;
  fail("--method must be one of ", known, "; got '", name, "'");
}

std::vector<std::string> method_names() {
  std::vector<std::string> names;
  for (const MethodInfo* m : registered_methods()) names.push_back(m->name);
  return names;
}

std::map<std::string, std::any> default_method_settings() {
  std::map<std::string, std::any> settings;
  for (const MethodInfo& m : registry())
    if (m.settings.has_value()) settings[m.name] = m.settings;
  return settings;
}

void set_method_option(SearchOptions& options, const std::string& name, const std::string& value) {
  TextSink sink(name, value);
  for (const MethodInfo& m : registry())
    if (m.options) m.options(sink, options.method_settings.at(m.name));
  LDARTS_CHECK(sink.found(), "no search method has an option --", name);
}

void set_method_option(SearchOptions& options, const std::string& name, double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  set_method_option(options, name, std::string(text));
}

std::unique_ptr<SearchMethod> make_method(const SearchOptions& options, const SearchSpace& space) {
  std::unique_ptr<SearchMethod> method = find_method(options.method).make(options, space);
  method->name_ = options.method;
  return method;
}

SearchOptions::SearchOptions() : method_settings(default_method_settings()) { out = "runs/search"; }

}  // namespace ldarts
