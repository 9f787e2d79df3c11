// Subcommands: each file in src/cli/ adds one to the app (CLI11's
// subcommands-in-files pattern). Only cli/ and main.cpp include CLI11.
#pragma once

namespace CLI {
class App;
}

namespace ldarts {

class Runtime;

void setup_search(CLI::App& app, const Runtime& runtime);
void setup_train(CLI::App& app, const Runtime& runtime);
void setup_nb201(CLI::App& app);
void setup_bench(CLI::App& app, const Runtime& runtime);
void setup_inspect(CLI::App& app);
void setup_genotype(CLI::App& app);
void setup_report(CLI::App& app);
void setup_summarize(CLI::App& app);
void setup_sweep(CLI::App& app);

}  // namespace ldarts
