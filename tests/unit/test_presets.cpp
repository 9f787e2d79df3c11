// The search presets hold the values of the sources they name (docs/presets.md):
// the paper's §A.9 or the authors' scripts. Every value is read back as ldarts
// resolves it (`ldarts search --config X --print-config`), so a changed preset
// value, a renamed key or a changed default fails here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "support/test_support.h"

namespace {

using ldarts::test::read_text;
using ldarts::test::run_command;
using ldarts::test::source_path;

using Resolved = std::map<std::string, std::string>;  // key -> value, strings unquoted
using Values = std::vector<std::pair<std::string, std::string>>;

// The resolved configuration of configs/<preset>.toml (each preset run once per
// process: the binary takes about 0.4 s to start).
Resolved resolve(const std::string& preset) {
  static std::map<std::string, Resolved> resolved;
  if (const auto it = resolved.find(preset); it != resolved.end()) return it->second;
  std::string out;
  // From the project root, as the README runs them (presets name data/nb201/ relative to it).
  const int code = run_command("cd " + source_path("") + " && " + LDARTS_BINARY + " search --config configs/" + preset +
                                   ".toml --print-config",
                               out);
  EXPECT_EQ(code, 0) << preset << "\n" << out;
  Resolved keys;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string value = line.substr(eq + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    keys[line.substr(0, eq)] = value;
  }
  if (code == 0) resolved[preset] = keys;
  return keys;
}

bool parse_number(const std::string& text, double& value) {
  if (text.empty()) return false;
  char* end = nullptr;
  value = std::strtod(text.c_str(), &end);
  return *end == '\0';
}

// A TOML array of numbers as the printout writes it, "[0, 6, 12]" (spaces and brackets optional).
bool parse_number_list(const std::string& text, std::vector<double>& values) {
  values.clear();
  std::string inner = text;
  if (!inner.empty() && inner.front() == '[') inner.erase(0, 1);
  if (!inner.empty() && inner.back() == ']') inner.pop_back();
  std::istringstream items(inner);
  for (std::string item; std::getline(items, item, ',');) {
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    double value = 0;
    if (!parse_number(item, value)) return false;
    values.push_back(value);
  }
  return !values.empty();
}

// Numbers compare as numbers (1e-3 == 0.001), arrays ("[0.1, 0.4, 0.7]") element by
// element as numbers, true/false as booleans (the printout writes a default bool as
// 0/1), anything else as text.
void expect_values(const std::string& preset, const Values& expected) {
  const Resolved got = resolve(preset);
  for (const auto& [key, want] : expected) {
    const auto it = got.find(key);
    if (it == got.end()) {
      ADD_FAILURE() << preset << ": no key '" << key << "' in the resolved configuration";
      continue;
    }
    const std::string& have = it->second;
    double want_number = 0, have_number = 0;
    std::vector<double> want_list, have_list;
    if (!want.empty() && want.front() == '[' && parse_number_list(want, want_list)) {
      EXPECT_TRUE(parse_number_list(have, have_list)) << preset << ": " << key << "=" << have;
      EXPECT_EQ(have_list.size(), want_list.size()) << preset << ": " << key << "=" << have;
      for (size_t i = 0; i < std::min(have_list.size(), want_list.size()); ++i)
        EXPECT_DOUBLE_EQ(have_list[i], want_list[i]) << preset << ": " << key << "=" << have << " [" << i << "]";
    } else if (want == "true" || want == "false") {
      EXPECT_TRUE(have == "true" || have == "false" || have == "1" || have == "0") << preset << ": " << key << "=" << have;
      EXPECT_EQ(have == "true" || have == "1", want == "true") << preset << ": " << key << "=" << have;
    } else if (parse_number(want, want_number)) {
      EXPECT_TRUE(parse_number(have, have_number)) << preset << ": " << key << "=" << have;
      EXPECT_DOUBLE_EQ(have_number, want_number) << preset << ": " << key << "=" << have;
    } else {
      EXPECT_EQ(have, want) << preset << ": " << key;
    }
  }
}

// Two presets agree on every key except `differing` (which must differ).
void expect_differ_only_in(const std::string& a, const std::string& b, const std::set<std::string>& differing) {
  const Resolved first = resolve(a), second = resolve(b);
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(first.size(), second.size()) << a << " vs " << b;
  for (const auto& [key, value] : first) {
    const auto it = second.find(key);
    if (it == second.end()) {
      ADD_FAILURE() << b << " lacks '" << key << "'";
    } else if (differing.count(key)) {
      EXPECT_NE(value, it->second) << a << " and " << b << " should differ in " << key;
    } else {
      EXPECT_EQ(value, it->second) << a << " vs " << b << ": " << key;
    }
  }
}

const char* const kNb201Replicating[] = {"nb201-cifar10", "nb201-cifar10-paper", "nb201-cifar10-ablation"};
const char* const kDartsFamily[] = {"darts-cifar10", "darts-cifar10-signcorr", "darts-cifar100", "darts-svhn",
                                    "s1-cifar10",    "s1-cifar100",            "s1-svhn",        "s2-cifar10",
                                    "s2-cifar100",   "s2-svhn",                "s3-cifar10",     "s3-cifar100",
                                    "s3-svhn",       "s4-cifar10",             "s4-cifar100",    "s4-svhn"};

// Rows of the paper's tables that other methods produced (docs/presets.md, "Presets of
// other search methods"): each holds the values of the code that method's numbers came from.
const char* const kMethodPresets[] = {
    "nb201-cifar10-darts1",       "nb201-cifar10-darts2",           "nb201-cifar10-sdarts-rs",
    "nb201-cifar10-sdarts-adv",   "nb201-cifar10-beta-darts",       "darts-cifar10-sdarts-rs",
    "darts-cifar10-sdarts-adv",   "darts-cifar10-lambda-sdarts-rs", "darts-cifar10-200ep-darts1",
    "darts-cifar10-200ep-darts2", "darts-cifar10-200ep-lambda",     "darts-cifar10-darts-minus",
    "nb201-cifar10-pc-darts",     "darts-cifar10-pc-darts",         "darts-cifar10-200ep-pc-darts"};
// Table 6 and P-DARTS' own rows (--method p-darts and its pdarts-* keys): these load only
// where ldarts has the p-darts options.
const char* const kPDartsPresets[] = {"darts-cifar10-pdarts", "darts-cifar10-pdarts-nopriors",
                                      "darts-cifar10-lambda-pdarts"};

// α frozen for the first epochs: PC-DARTS' CIFAR search (train_search.py:156, `epoch>=15`) and
// every P-DARTS stage (eps_no_archs, train_search.py:123). Every other replicating preset trains
// α from the first epoch.
std::string arch_start_epoch(const std::string& preset) {
  if (preset == "darts-cifar10-pc-darts" || preset == "darts-cifar10-200ep-pc-darts") return "15";
  for (const char* pdarts : kPDartsPresets)
    if (preset == pdarts) return "10";
  return "0";
}

std::vector<std::string> replicating_presets() {
  std::vector<std::string> all(std::begin(kNb201Replicating), std::end(kNb201Replicating));
  all.insert(all.end(), std::begin(kDartsFamily), std::end(kDartsFamily));
  all.insert(all.end(), std::begin(kMethodPresets), std::end(kMethodPresets));
  all.insert(all.end(), std::begin(kPDartsPresets), std::end(kPDartsPresets));
  return all;
}

}  // namespace

TEST(Presets, EverySearchPresetParsesAndWritesItsOwnFolder) {
  std::string listing;
  ASSERT_EQ(run_command("ls " + source_path("configs") + "/*.toml", listing), 0);
  int presets = 0;
  std::istringstream files(listing);
  for (std::string file; std::getline(files, file);) {
    const std::string name = file.substr(file.rfind('/') + 1, file.size() - file.rfind('/') - 1 - 5);
    if (name.rfind("train-", 0) == 0) continue;  // evaluation presets: ldarts train
    const Resolved keys = resolve(name);
    EXPECT_EQ(keys.count("space"), 1u) << name;
    // One run folder per preset, named after it: two presets never write into one folder.
    EXPECT_EQ(keys.count("out") ? keys.at("out") : "", "runs/" + name) << name;
    ++presets;
  }
  EXPECT_GE(presets, 40);
  for (const std::string& preset : replicating_presets())
    EXPECT_EQ(run_command("test -f " + source_path("configs/" + preset + ".toml"), listing), 0) << preset;
}

TEST(Presets, EveryValueOfAReplicatingPresetNamesItsSource) {
  for (const std::string& preset : replicating_presets()) {
    std::istringstream lines(read_text(source_path("configs/" + preset + ".toml")));
    for (std::string line; std::getline(lines, line);) {
      if (line.empty() || line[0] == '#' || line.find('=') == std::string::npos) continue;
      const std::string key = line.substr(0, line.find_first_of(" ="));
      if (key == "out" || key == "nb201-table") continue;  // run folder, lookup table: no source to name
      EXPECT_NE(line.find('#'), std::string::npos) << preset << ": '" << line << "' names no source";
    }
  }
}

TEST(Presets, ReplicatingPresetsHoldEachEpochsLrAndUseNoSearchCutout) {
  // The authors' schedulers set the lr once per epoch (sota/cnn/train_search.py:152-153,180;
  // NAS-Bench201/lib/procedures/optimizers.py:72-76); neither script turns search-time cutout on.
  for (const std::string& preset : replicating_presets())
    expect_values(preset, {{"lr-schedule", "cosine"},
                           {"lr-update", "epoch"},
                           {"cutout", "0"},
                           {"warmup-epochs", "0"},
                           {"arch-start-epoch", arch_start_epoch(preset)},
                           {"fd-mode", "central"},
                           {"lambda-target", "inner"},
                           {"accumulate", "1"},
                           {"augment", "true"},
                           {"seed", "0"}});
}

TEST(Presets, Nb201PaperHasTheValuesOfSectionA91) {
  expect_values("nb201-cifar10-paper",
                {{"space", "nb201"}, {"channels", "16"}, {"cells-per-stage", "5"}, {"dataset", "cifar10"},
                 {"split", "data/nb201/cifar-split.txt"}, {"batch-size", "64"}, {"epochs", "100"},
                 {"lr", "0.025"}, {"lr-min", "0.001"}, {"momentum", "0.9"}, {"nesterov", "true"},
                 {"weight-decay", "5e-4"}, {"grad-clip", "5"}, {"arch-lr", "1e-4"}, {"arch-beta1", "0.5"},
                 {"arch-beta2", "0.999"}, {"arch-weight-decay", "1e-3"}, {"step-order", "weights-first"},
                 {"regularizer", "corr"}, {"lambda", "0.125"}, {"epsilon0", "1e-4"}});
}

TEST(Presets, Nb201AuthorsHasTheValuesOfTheirScript) {
  // NAS-Bench201/scripts-search/algos/DARTS-V1.sh and configs/nas-benchmark/algos/DARTS.config.
  expect_values("nb201-cifar10",
                {{"space", "nb201"}, {"channels", "16"}, {"cells-per-stage", "5"}, {"dataset", "cifar10"},
                 {"split", "data/nb201/cifar-split.txt"}, {"batch-size", "64"}, {"epochs", "100"},
                 {"lr", "0.025"}, {"lr-min", "0.001"}, {"momentum", "0.9"}, {"nesterov", "false"},
                 {"weight-decay", "3e-4"}, {"grad-clip", "5"}, {"arch-lr", "1e-4"}, {"arch-beta1", "0.5"},
                 {"arch-beta2", "0.999"}, {"arch-weight-decay", "1e-3"}, {"step-order", "weights-first"},
                 {"regularizer", "corr"}, {"lambda", "0.25"}, {"epsilon0", "1e-4"}});
  // Paper and script differ in λ and the ω optimizer only.
  expect_differ_only_in("nb201-cifar10", "nb201-cifar10-paper", {"lambda", "nesterov", "weight-decay", "out"});
}

TEST(Presets, Nb201AblationIsThePaperPresetWithTheArchLrOfSectionA94) {
  expect_values("nb201-cifar10-ablation", {{"arch-lr", "3e-4"}, {"lambda", "0.125"}, {"epsilon0", "1e-4"}});
  expect_differ_only_in("nb201-cifar10-paper", "nb201-cifar10-ablation", {"arch-lr", "out"});
}

TEST(Presets, DartsSpaceCifar10HasTheValuesOfSectionA92) {
  expect_values("darts-cifar10",
                {{"space", "darts"}, {"network", "cifar"}, {"channels", "16"}, {"layers", "8"},
                 {"dataset", "cifar10"}, {"train-portion", "0.5"}, {"batch-size", "64"}, {"epochs", "50"},
                 {"lr", "0.025"}, {"lr-min", "0.001"}, {"momentum", "0.9"}, {"nesterov", "false"},
                 {"weight-decay", "3e-4"}, {"grad-clip", "5"}, {"arch-lr", "3e-4"}, {"arch-beta1", "0.5"},
                 {"arch-beta2", "0.999"}, {"arch-weight-decay", "1e-3"}, {"step-order", "arch-first"},
                 {"regularizer", "corr"}, {"lambda", "0.25"}, {"epsilon0", "1e-4"}});
  // Λ± with its own λ (§A.9.2: 0.25 for Λ, 0.125 for Λ±), nothing else changed.
  expect_values("darts-cifar10-signcorr", {{"regularizer", "signcorr"}, {"lambda", "0.125"}, {"epsilon0", "1e-4"}});
  expect_differ_only_in("darts-cifar10", "darts-cifar10-signcorr", {"regularizer", "lambda", "out"});
}

TEST(Presets, Cifar100AndSvhnUseBatch96AndEpsilon1e3) {
  // §A.9.3 and run_search.sh:7,13.
  for (const std::string dataset : {"cifar100", "svhn"}) {
    for (const std::string space : {"darts", "s1", "s2", "s3", "s4"})
      expect_values(space + "-" + dataset,
                    {{"dataset", dataset}, {"batch-size", "96"}, {"epsilon0", "1e-3"}, {"lambda", "0.25"}});
    expect_differ_only_in("darts-cifar10", "darts-" + dataset, {"dataset", "batch-size", "epsilon0", "out"});
  }
}

TEST(Presets, ReducedSpacePresetsAreTheDartsPresetsWithAnotherSpace) {
  // §A.9.3: "the search setting is the same as in Section-5.2" (CIFAR-10), batch 96 and ε0 1e-3 otherwise.
  for (const std::string dataset : {"cifar10", "cifar100", "svhn"}) {
    for (const std::string space : {"s1", "s2", "s3", "s4"}) {
      expect_values(space + "-" + dataset, {{"space", space}});
      expect_differ_only_in("darts-" + dataset, space + "-" + dataset, {"space", "out"});
    }
  }
}

TEST(Presets, Nb201DartsRowsHaveTheValuesOfAutoDLProjects) {
  // Table 1, DARTS (1st)/(2nd): AutoDL-Projects' DARTS-V1/V2 with configs/nas-benchmark/algos/DARTS.config
  // (50 epochs, Nesterov, wd 5e-4) and α lr 3e-4 from the scripts.
  expect_values("nb201-cifar10-darts1",
                {{"method", "darts"}, {"space", "nb201"}, {"split", "data/nb201/cifar-split.txt"}, {"epochs", "50"},
                 {"nesterov", "true"}, {"weight-decay", "5e-4"}, {"arch-lr", "3e-4"},
                 {"step-order", "weights-first"}, {"regularizer", "none"}});
  expect_values("nb201-cifar10-darts2", {{"method", "darts-2nd"}, {"hvp-r", "0.01"}, {"step-order", "arch-first"}});
  expect_differ_only_in("nb201-cifar10-darts1", "nb201-cifar10-darts2", {"method", "step-order", "out"});
}

TEST(Presets, Nb201SmoothDartsAndBetaDartsHaveTheValuesOfTheirCode) {
  // SmoothDARTS' and β-DARTS' nasbench201/train_search.py: 100 epochs, 50/50 split of the
  // CIFAR-10 training set (no NB201 split file), α step first.
  expect_values("nb201-cifar10-sdarts-rs",
                {{"method", "sdarts-rs"}, {"perturb-epsilon", "0.3"}, {"epochs", "100"}, {"train-portion", "0.5"},
                 {"weight-decay", "3e-4"}, {"nesterov", "false"}, {"arch-lr", "3e-4"}, {"step-order", "arch-first"},
                 {"regularizer", "none"}});
  EXPECT_EQ(resolve("nb201-cifar10-sdarts-rs").at("split"), "");  // no split file: --train-portion
  expect_values("nb201-cifar10-sdarts-adv", {{"method", "sdarts-adv"}, {"perturb-epsilon", "0.3"}, {"pgd-steps", "7"}});
  expect_values("nb201-cifar10-beta-darts", {{"method", "beta-darts"}, {"beta-decay", "50"}, {"epochs", "100"}});
  expect_differ_only_in("nb201-cifar10-sdarts-rs", "nb201-cifar10-sdarts-adv", {"method", "out"});
  expect_differ_only_in("nb201-cifar10-sdarts-rs", "nb201-cifar10-beta-darts", {"method", "out"});
}

TEST(Presets, DartsSpaceSmoothDartsPresetsAreTheLambdaPresetWithAnotherMethod) {
  // Table 7: SmoothDARTS' sota/cnn defaults equal Λ's §A.9.2 values (s5 = the 7-op DARTS space);
  // Λ-SDARTS-RS is darts-cifar10 with the SDARTS-RS method (§A.5.2: Λ's hyper-parameters unchanged).
  expect_values("darts-cifar10-sdarts-rs", {{"method", "sdarts-rs"}, {"space", "darts"}, {"perturb-epsilon", "0.3"},
                                            {"epochs", "50"}, {"step-order", "arch-first"}, {"regularizer", "none"}});
  expect_values("darts-cifar10-sdarts-adv", {{"method", "sdarts-adv"}, {"pgd-steps", "7"}});
  expect_values("darts-cifar10-lambda-sdarts-rs",
                {{"method", "sdarts-rs"}, {"regularizer", "corr"}, {"lambda", "0.25"}, {"epsilon0", "1e-4"}});
  expect_differ_only_in("darts-cifar10-sdarts-rs", "darts-cifar10-sdarts-adv", {"method", "out"});
  expect_differ_only_in("darts-cifar10", "darts-cifar10-lambda-sdarts-rs", {"method", "out"});
  expect_differ_only_in("darts-cifar10-sdarts-rs", "darts-cifar10-lambda-sdarts-rs", {"regularizer", "out"});
}

TEST(Presets, TwoHundredEpochPresetsOfTable8) {
  // §A.6: 200 epochs. DARTS rows: quark0/darts' defaults (8 ops with `none`); Λ: darts-cifar10 with 200 epochs.
  expect_values("darts-cifar10-200ep-darts1",
                {{"method", "darts"}, {"space", "darts-none"}, {"epochs", "200"}, {"arch-lr", "3e-4"},
                 {"step-order", "arch-first"}, {"regularizer", "none"}});
  expect_values("darts-cifar10-200ep-darts2", {{"method", "darts-2nd"}, {"hvp-r", "0.01"}, {"epochs", "200"}});
  expect_values("darts-cifar10-200ep-lambda",
                {{"method", "darts"}, {"epochs", "200"}, {"regularizer", "corr"}, {"lambda", "0.25"}});
  expect_differ_only_in("darts-cifar10-200ep-darts1", "darts-cifar10-200ep-darts2", {"method", "out"});
  expect_differ_only_in("darts-cifar10", "darts-cifar10-200ep-lambda", {"epochs", "out"});
  expect_differ_only_in("darts-cifar10-200ep-darts1", "darts-cifar10-200ep-lambda", {"space", "regularizer", "out"});
}

TEST(Presets, DartsMinusHasTheValuesOfItsScript) {
  // scripts/run_darts_minus.sh with the DARTS space (README.md:7: S0 = s5, with `none`).
  expect_values("darts-cifar10-darts-minus",
                {{"method", "darts-minus"}, {"aux-skip-beta", "1"}, {"space", "darts-none"}, {"epochs", "50"},
                 {"weight-decay", "3e-4"}, {"step-order", "arch-first"}, {"regularizer", "none"}});
  expect_differ_only_in("darts-cifar10", "darts-cifar10-darts-minus", {"space", "method", "regularizer", "out"});
}

TEST(Presets, PcDartsPresetsHaveTheValuesOfTheirCode) {
  // Table 1 (= Table 4's PC-DARTS-256): Lambda-DARTS' NAS-Bench201 PCDARTS.sh without the Λ flags,
  // PCDARTS.config, PCDARTS.py: K = 4 without edge normalization, batch 256, lr 0.1 → 0, α lr 6e-4
  // from the first epoch, ω step first.
  expect_values("nb201-cifar10-pc-darts", {{"method", "pc-darts"},
                                           {"space", "nb201"},
                                           {"channels", "16"},
                                           {"cells-per-stage", "5"},
                                           {"partial-channels", "4"},
                                           {"edge-normalization", "false"},
                                           {"split", "data/nb201/cifar-split.txt"},
                                           {"batch-size", "256"},
                                           {"epochs", "50"},
                                           {"lr", "0.1"},
                                           {"lr-min", "0"},
                                           {"momentum", "0.9"},
                                           {"nesterov", "false"},
                                           {"weight-decay", "3e-4"},
                                           {"grad-clip", "5"},
                                           {"arch-lr", "6e-4"},
                                           {"arch-beta1", "0.5"},
                                           {"arch-beta2", "0.999"},
                                           {"arch-weight-decay", "1e-3"},
                                           {"arch-start-epoch", "0"},
                                           {"step-order", "weights-first"},
                                           {"regularizer", "none"}});
  // Tables 2 and 11: yuhuixu1993/PC-DARTS train_search.py's defaults (8 ops with `none`, K = 4 and
  // edge normalization, model_search.py:31,138-158), α frozen for 15 epochs.
  expect_values("darts-cifar10-pc-darts", {{"method", "pc-darts"},
                                           {"space", "darts-none"},
                                           {"network", "cifar"},
                                           {"channels", "16"},
                                           {"layers", "8"},
                                           {"dataset", "cifar10"},
                                           {"train-portion", "0.5"},
                                           {"partial-channels", "4"},
                                           {"edge-normalization", "true"},
                                           {"batch-size", "256"},
                                           {"epochs", "50"},
                                           {"lr", "0.1"},
                                           {"lr-min", "0"},
                                           {"momentum", "0.9"},
                                           {"nesterov", "false"},
                                           {"weight-decay", "3e-4"},
                                           {"grad-clip", "5"},
                                           {"arch-lr", "6e-4"},
                                           {"arch-beta1", "0.5"},
                                           {"arch-beta2", "0.999"},
                                           {"arch-weight-decay", "1e-3"},
                                           {"arch-start-epoch", "15"},
                                           {"step-order", "arch-first"},
                                           {"regularizer", "none"}});
  // Table 8 (§A.6): the same with 200 epochs.
  expect_values("darts-cifar10-200ep-pc-darts",
                {{"method", "pc-darts"}, {"epochs", "200"}, {"arch-start-epoch", "15"}});
  expect_differ_only_in("darts-cifar10-pc-darts", "darts-cifar10-200ep-pc-darts", {"epochs", "out"});
  // PC-DARTS' code is DARTS' with the supernet, batch, lr schedule, α lr and α warm-up changed.
  expect_differ_only_in("darts-cifar10-200ep-darts1", "darts-cifar10-200ep-pc-darts",
                        {"method", "partial-channels", "edge-normalization", "batch-size", "lr", "lr-min", "arch-lr",
                         "arch-start-epoch", "out"});
}

TEST(Presets, ProgressiveDartsPresetsOfTable6) {
  // chenxin061/pdarts train_search.py with README.md:55-64's flags: three stages of 25 epochs on
  // 5, 11, 17 cells, keeping 5, 3, 1 ops per edge, skip dropout 0.1/0.4/0.7, α frozen for 10 epochs
  // of each stage and clipped at 5, batch 96, lr 0.025 → 0, α lr 6e-4, α step first.
  expect_values("darts-cifar10-pdarts", {{"method", "p-darts"},
                                         {"space", "darts-none"},
                                         {"network", "cifar"},
                                         {"channels", "16"},
                                         {"layers", "5"},
                                         {"dataset", "cifar10"},
                                         {"train-portion", "0.5"},
                                         {"epochs", "25"},
                                         {"pdarts-add-layers", "[0, 6, 12]"},
                                         {"pdarts-keep-ops", "[5, 3, 1]"},
                                         {"pdarts-skip-dropout", "[0.1, 0.4, 0.7]"},
                                         {"pdarts-priors", "true"},
                                         {"pdarts-max-skips", "2"},
                                         {"batch-size", "96"},
                                         {"lr", "0.025"},
                                         {"lr-min", "0"},
                                         {"momentum", "0.9"},
                                         {"nesterov", "false"},
                                         {"weight-decay", "3e-4"},
                                         {"grad-clip", "5"},
                                         {"arch-lr", "6e-4"},
                                         {"arch-beta1", "0.5"},
                                         {"arch-beta2", "0.999"},
                                         {"arch-weight-decay", "1e-3"},
                                         {"arch-grad-clip", "5"},
                                         {"arch-start-epoch", "10"},
                                         {"partial-channels", "1"},
                                         {"edge-normalization", "false"},
                                         {"step-order", "arch-first"},
                                         {"regularizer", "none"}});
  // Table 6, "P-DARTS (w/o priors)": the priors off, nothing else changed.
  expect_values("darts-cifar10-pdarts-nopriors",
                {{"method", "p-darts"}, {"pdarts-priors", "false"}, {"regularizer", "none"}});
  expect_differ_only_in("darts-cifar10-pdarts", "darts-cifar10-pdarts-nopriors", {"pdarts-priors", "out"});
  // Table 6, "Λ-P-DARTS": w/o priors plus Λ with darts-cifar10's λ and ε0 (§A.5.1: unchanged).
  expect_values("darts-cifar10-lambda-pdarts", {{"method", "p-darts"},
                                                {"pdarts-priors", "false"},
                                                {"regularizer", "corr"},
                                                {"lambda", "0.25"},
                                                {"epsilon0", "1e-4"}});
  expect_differ_only_in("darts-cifar10-pdarts-nopriors", "darts-cifar10-lambda-pdarts", {"regularizer", "out"});
  for (const char* key : {"regularizer", "lambda", "epsilon0", "fd-mode", "lambda-target"})
    EXPECT_EQ(resolve("darts-cifar10-lambda-pdarts").at(key), resolve("darts-cifar10").at(key)) << key;
}

// The NB201 codebases clip network.parameters(), which holds α (docs/reference-steps.md
// D1): their presets, and the paper's (run on the authors' code), count α's gradient
// in the ω clip; the DARTS-space codes (α not a parameter of the model) do not.
TEST(Presets, Nb201CodebasePresetsClipAsTheirCode) {
  for (const char* preset : {"nb201-cifar10", "nb201-cifar10-paper", "nb201-cifar10-ablation", "nb201-cifar10-darts1", "nb201-cifar10-darts2", "nb201-cifar10-beta-darts",
                             "nb201-cifar10-sdarts-rs", "nb201-cifar10-sdarts-adv", "nb201-cifar10-pc-darts"})
    expect_values(preset, {{"clip-with-alpha", "true"}});
  for (const char* preset : {"darts-cifar10", "darts-cifar10-pdarts",
                             "darts-cifar10-pc-darts", "darts-cifar10-darts-minus"})
    expect_values(preset, {{"clip-with-alpha", "false"}});
}
