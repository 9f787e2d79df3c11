// ldarts nb201: look a cell up in the NAS-Bench-201 accuracy table.
#include <cmath>
#include <cstdio>
#include <memory>

#include <CLI/CLI.hpp>

#include "ldarts/cli/commands.h"
#include "ldarts/core/error.h"
#include "ldarts/io/nb201_table.h"
#include "ldarts/search/cell_health.h"
#include "ldarts/search/genotype.h"

namespace ldarts {

void setup_nb201(CLI::App& app) {
  struct Options {
    std::string table = default_nb201_table();
    std::string arch;
  };
  auto opt = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("nb201", "Look up the NAS-Bench-201 accuracies of a cell (CIFAR-10 valid and test, CIFAR-100, ImageNet16-120)");
  sub->add_option("--table", opt->table, "NB201 accuracy CSV")->check(CLI::ExistingFile);
  sub->add_option("--arch", opt->arch, "Cell string, e.g. |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|")
      ->required();
  sub->callback([opt] {
    LDARTS_CHECK(!opt->table.empty(), "no NB201 table found; pass --table FILE");
    const SearchSpace& space = find_space("nb201");
    const Nb201Genotype cell = parse_nb201_string(space, opt->arch);  // validates
    const std::string arch = to_nb201_string(space, cell);
    const auto acc = Nb201Table::load(opt->table).find(arch);
    LDARTS_CHECK(acc.has_value(), "cell ", arch, " is not in ", opt->table);
    std::printf("arch            %s\nnb201 index     %d\n", arch.c_str(), acc->index);
    if (!std::isnan(acc->cifar10_valid)) std::printf("CIFAR-10 valid  %.2f\n", acc->cifar10_valid);
    std::printf("CIFAR-10 test   %.2f\nCIFAR-100 test  %.2f\nImageNet16-120  %.2f\n%s\n", acc->cifar10, acc->cifar100,
                acc->imagenet16, describe(check_cell(space, cell)).c_str());
  });
}

}  // namespace ldarts
