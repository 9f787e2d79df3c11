// ldarts inspect FILE: a readable summary of a checkpoint.
#include <cstdio>
#include <memory>

#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include "ldarts/cli/commands.h"
#include "ldarts/io/checkpoint.h"

namespace ldarts {

void setup_inspect(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand("inspect", "Summarise a checkpoint");
  sub->add_option("checkpoint", *path, "Checkpoint file (.h5)")->required();
  sub->add_flag("--config", "Also print the resolved configuration");
  sub->callback([sub, path] {
    const Checkpoint c = read_checkpoint(*path);
    int64_t model_values = 0, model_tensors = 0;
    for (const auto& [key, t] : c.tensors)
      if (key.rfind("model/", 0) == 0) model_values += t.numel(), ++model_tensors;
    const bool train = c.strings.count("run/command") && c.string("run/command") == "train";
    auto text = [&](const char* key) { return c.strings.count(key) ? c.string(key) : std::string("-"); };
    std::printf("checkpoint      %s (%s)\n", path->c_str(), train ? "ldarts train" : "ldarts search");
    std::printf("format version  %ld (ldarts %s, LibTorch %s)\n", long(c.integer("format_version")),
                text("run/ldarts_version").c_str(), text("run/torch_version").c_str());
    if (!train) {
      std::printf("space           %s\n", c.string("run/space").c_str());
      std::printf("method          %s\n", c.strings.count("search/method") ? c.string("search/method").c_str() : "darts");
      if (c.integers.count("search/p-darts/stage"))
        std::printf("p-darts stage   %ld; ops per edge: %s\n", long(c.integer("search/p-darts/stage") + 1),
                    c.string("search/p-darts/ops").c_str());
    }
    std::printf("world size      %ld\n", long(c.integer("run/world_size")));
    std::printf("resume point    epoch %ld, step %ld (global step %ld)\n", long(c.integer("state/epoch")) + 1,
                long(c.integer("state/step")), long(c.integer(train ? "train/steps_done" : "search/steps_done")));
    std::printf("genotype        %s\n", (train ? c.string("run/genotype") : c.string("genotype/text")).c_str());
    std::printf("model           %ld tensors, %ld values (parameters and buffers)\n", long(model_tensors),
                long(model_values));
    for (const auto& [key, alpha] : c.tensors) {
      if (key.rfind("arch/", 0) != 0) continue;
      std::printf("alpha %-9s [%ld, %ld]; softmax:\n", key.substr(5).c_str(), long(alpha.size(0)), long(alpha.size(1)));
      const auto p = torch::softmax(alpha.to(torch::kDouble), -1);
      for (int64_t e = 0; e < p.size(0); ++e) {
        std::printf("   ");
        for (int64_t o = 0; o < p.size(1); ++o) std::printf(" %.3f", p[e][o].item<double>());
        std::printf("\n");
      }
    }
    const std::string& metrics = c.string("logs/metrics");
    std::printf("metrics         %ld epoch rows logged\n", long(std::count(metrics.begin(), metrics.end(), '\n')) - 1);
    if (sub->count("--config")) std::printf("\n# resolved config\n%s", c.string("run/config").c_str());
  });
}

}  // namespace ldarts
