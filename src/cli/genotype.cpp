// ldarts genotype: derive a checkpoint's genotype, or read a genotype.json, and
// print it as text, JSON, Graphviz DOT or SVG (through Graphviz's `dot`).
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include "ldarts/cli/commands.h"
#include "ldarts/core/error.h"
#include "ldarts/io/checkpoint.h"
#include "ldarts/io/graphviz.h"
#include "ldarts/model/darts_network.h"
#include "ldarts/search/cell_health.h"
#include "ldarts/search/darts_genotype.h"
#include "ldarts/search/genotype.h"
#include "ldarts/search/genotype_input.h"

namespace ldarts {
namespace {

struct Options {
  std::string checkpoint, json, format = "text", cell = "normal";
};

std::vector<float> softmax_of(const at::Tensor& alpha) {
  const at::Tensor p = torch::softmax(alpha.to(torch::kFloat), -1).contiguous();
  return std::vector<float>(p.data_ptr<float>(), p.data_ptr<float>() + p.numel());
}

// One genotype in every form we print (DARTS: a picture per cell type).
struct Forms {
  std::string text, json, dot, reduce_dot;
  CellHealth health;
};

Forms nb201_forms(const SearchSpace& space, const Nb201Genotype& g) {
  const CellHealth health = check_cell(space, g);
  return {to_nb201_string(space, g), with_health(to_json(space, g), health), to_dot(space, g), "", health};
}

Forms darts_forms(const DartsGenotype& g) {
  const CellHealth health = check_cell(g);
  return {to_genotype_text(g), with_health(to_json(g), health), to_dot(g.normal, "normal cell"),
          to_dot(g.reduce, "reduction cell"), health};
}

Forms from_checkpoint(const std::string& path) {
  const Checkpoint c = read_checkpoint(path);
  const SearchSpace& space = find_space(c.string("run/space"));
  if (space.kind == CellKind::nb201) return nb201_forms(space, derive_nb201(space, softmax_of(c.tensor("arch/cell"))));
  DartsGenotype g;
  // PC-DARTS edge normalization: β is stored with the network's parameters.
  auto beta = [&](const std::string& type) {
    const std::string key = "model/edge_beta_" + type;
    if (!c.tensors.count(key)) return std::vector<float>{};
    const at::Tensor w = edge_softmax(c.tensor(key).to(torch::kFloat), space).contiguous();
    return std::vector<float>(w.data_ptr<float>(), w.data_ptr<float>() + w.numel());
  };
  g.normal = derive_darts_cell(space, "normal", softmax_of(c.tensor("arch/normal")), beta("normal"));
  g.reduce = derive_darts_cell(space, "reduce", softmax_of(c.tensor("arch/reduce")), beta("reduce"));
  return darts_forms(g);
}

// Our genotype.json, an NB201 string or DARTS' Genotype(...) text, inline or in a file.
Forms from_input(const std::string& arg) {
  const AnyGenotype g = read_genotype(arg);
  return g.is_nb201 ? nb201_forms(find_space("nb201"), g.nb201) : darts_forms(g.darts);
}

}  // namespace

void setup_genotype(CLI::App& app) {
  auto opt = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("genotype", "Derive, print or draw a genotype");
  auto* from_ckpt = sub->add_option("--checkpoint", opt->checkpoint, "Derive the genotype of a checkpoint")->check(CLI::ExistingFile);
  auto* from_file = sub->add_option("--from-json", opt->json, "Read a genotype.json")->check(CLI::ExistingFile);
  auto* from_text = sub->add_option("--genotype", opt->json,
                                    "A genotype file or text: genotype.json, NB201 string, or DARTS' Genotype(...)");
  from_ckpt->excludes(from_file);
  from_ckpt->excludes(from_text);
  from_file->excludes(from_text);
  sub->add_option("--format", opt->format, "text | json | dot | svg")
      ->check(CLI::IsMember({"text", "json", "dot", "svg"}))
      ->capture_default_str();
  sub->add_option("--cell", opt->cell, "DARTS spaces: the cell to draw (normal | reduce)")
      ->check(CLI::IsMember({"normal", "reduce"}))
      ->capture_default_str();
  sub->callback([opt] {
    LDARTS_CHECK(!opt->checkpoint.empty() || !opt->json.empty(),
                 "give --checkpoint FILE, --from-json FILE or --genotype FILE|TEXT");
    const Forms forms = opt->checkpoint.empty() ? from_input(opt->json) : from_checkpoint(opt->checkpoint);
    const std::string& dot = opt->cell == "reduce" && !forms.reduce_dot.empty() ? forms.reduce_dot : forms.dot;
    // The health line goes to stderr: stdout stays the genotype alone, for $(ldarts genotype ...).
    if (opt->format == "text") {
      std::printf("%s\n", forms.text.c_str());
      std::fflush(stdout);
      std::fprintf(stderr, "%s\n", describe(forms.health).c_str());
    }
    if (opt->format == "json") std::printf("%s", forms.json.c_str());
    if (opt->format == "dot") std::printf("%s", dot.c_str());
    if (opt->format == "svg") std::printf("%s", render_dot(dot, "svg").c_str());
  });
}

}  // namespace ldarts
