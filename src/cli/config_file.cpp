#include "ldarts/cli/config_file.h"

#include <algorithm>

#include <CLI/CLI.hpp>

#include "ldarts/core/error.h"

namespace ldarts {

void add_config_option(CLI::App& sub, std::string& path) {
  sub.add_option("--config", path, "TOML file with any of these options as keys (flags given here win)")
      ->check(CLI::ExistingFile)
      ->configurable(false);
}

void apply_config_file(CLI::App& sub, const std::string& path) {
  if (path.empty()) return;
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigTOML().from_file(path);
  } catch (const CLI::Error& e) {
    fail("cannot read config file ", path, ": ", e.what());
  }
  for (const CLI::ConfigItem& item : items) {
    if (item.name == "++" || item.name == "--") continue;  // section markers
    std::string key = item.fullname();
    std::replace(key.begin(), key.end(), '_', '-');
    CLI::Option* opt = nullptr;
    try {
      opt = sub.get_option("--" + key);
    } catch (const CLI::OptionNotFound&) {
    }
    LDARTS_CHECK(opt != nullptr && opt->get_configurable(), path, ": unknown key '", item.fullname(),
                 "' (see `ldarts ", sub.get_name(), " --help` for the options)");
    if (opt->count() > 0) continue;  // the command line wins
    try {
      for (const std::string& value : item.inputs) opt->add_result(value);
      opt->run_callback();
    } catch (const CLI::Error& e) {
      fail(path, ": bad value for '", item.fullname(), "': ", e.what());
    }
  }
}

}  // namespace ldarts
