// TOML config files for subcommands: every key is the long name of one of the
// subcommand's options (`max-steps = 40`); a flag given on the command line
// wins over the file. Unknown keys are an error naming the file and the key.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace ldarts {

// Adds --config FILE to `sub`; call apply_config_file() first thing in its callback.
void add_config_option(CLI::App& sub, std::string& path);
void apply_config_file(CLI::App& sub, const std::string& path);

}  // namespace ldarts
