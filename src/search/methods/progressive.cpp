#include "ldarts/search/progressive.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <tuple>

#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/core/rng.h"
#include "ldarts/run/run_folder.h"
#include "ldarts/search/method.h"

namespace ldarts {

double skip_dropout_rate(double d, int epoch, int epochs, int frozen) {
  if (epoch < frozen) return d * double(epochs - epoch - 1) / epochs;
  return d * std::exp(-0.2 * (epoch - frozen));
}

EdgeOps prune_ops(const EdgeOps& ops, const std::vector<float>& p, int keep) {
  EdgeOps out;
  size_t offset = 0;
  for (const auto& edge : ops) {
    LDARTS_CHECK(keep >= 1 && keep <= int(edge.size()), "P-DARTS cannot keep ", keep, " of ", edge.size(), " ops");
    LDARTS_CHECK(offset + edge.size() <= p.size(), "P-DARTS pruning: ", p.size(), " weights for more ops");
    std::vector<bool> dropped(edge.size(), false);
    int to_drop = int(edge.size()) - keep;
    for (; to_drop > 0; --to_drop) {
      int lowest = -1;
      for (size_t o = 0; o < edge.size(); ++o)
        if (!dropped[o] && (lowest < 0 || p[offset + o] < p[offset + lowest])) lowest = int(o);
      dropped[lowest] = true;
    }
    std::vector<std::string> kept;
    for (size_t o = 0; o < edge.size(); ++o)
      if (!dropped[o]) kept.push_back(edge[o]);
    out.push_back(kept);
    offset += edge.size();
  }
  LDARTS_CHECK(offset == p.size(), "P-DARTS pruning: ", p.size(), " weights for ", offset, " ops");
  return out;
}

SearchSpace stage_space(const SearchSpace& base, const std::vector<EdgeOps>& ops) {
  LDARTS_CHECK(ops.size() == base.cell_types.size(), "P-DARTS: ops for ", ops.size(), " cell types, the space has ",
               base.cell_types.size());
  SearchSpace space = base;
  space.ops.clear();  // the edges' op lists differ
  for (size_t t = 0; t < ops.size(); ++t) {
    LDARTS_CHECK(int(ops[t].size()) == base.num_edges(), "P-DARTS: ops for ", ops[t].size(), " edges");
    space.cell_types[t].edge_ops = ops[t];
  }
  return space;
}

DartsCellGenotype limit_skips(const SearchSpace& space, const std::string& cell_type, std::vector<float> p,
                              int max_skips) {
  const CellType& type = space.cell_type(cell_type);
  std::vector<size_t> offset;  // of every edge's first op in p
  for (size_t e = 0, o = 0; e < type.edge_ops.size(); o += type.edge_ops[e].size(), ++e) offset.push_back(o);
  for (;;) {
    const DartsCellGenotype cell = derive_darts_cell(space, cell_type, p);
    // The kept skip_connects: (weight, edge, column).
    std::vector<std::tuple<float, int, int>> skips;
    for (size_t k = 0; k < cell.ops.size(); ++k) {
      if (cell.ops[k].first != "skip_connect") continue;
      const int to = cell.concat[k / 2], from = cell.ops[k].second;
      for (int e = 0; e < space.num_edges(); ++e) {
        if (space.edges[e].to != to || space.edges[e].from != from) continue;
        const auto& ops = type.edge_ops[e];
        const int o = int(std::find(ops.begin(), ops.end(), "skip_connect") - ops.begin());
        skips.emplace_back(p[offset[e] + o], e, o);
      }
    }
    if (int(skips.size()) <= max_skips) return cell;
    // The weakest; ties: the earlier edge (np.argmin).
    const auto weakest = std::min_element(skips.begin(), skips.end(), [](const auto& a, const auto& b) {
      return std::get<0>(a) < std::get<0>(b) || (std::get<0>(a) == std::get<0>(b) && std::get<1>(a) < std::get<1>(b));
    });
    p[offset[std::get<1>(*weakest)] + std::get<2>(*weakest)] = 0;
  }
}

namespace {

// <out>/stages.txt: after each finished stage (but the last), the ops its edges keep.
//   stage 1 done
//   normal 0 max_pool_3x3 skip_connect ...   (cell type, edge, ops)
std::string stages_text(int done, const SearchSpace& base, const std::vector<EdgeOps>& ops) {
  std::ostringstream out;
  out << "# ldarts p-darts: the ops every edge keeps after the finished stages (--resume auto reads it)\n";
  out << "stage " << done << " done\n";
  for (size_t t = 0; t < ops.size(); ++t)
    for (size_t e = 0; e < ops[t].size(); ++e) {
      out << base.cell_types[t].name << " " << e;
      for (const auto& op : ops[t][e]) out << " " << op;
      out << "\n";
    }
  return out.str();
}

// Reads stages.txt: the stages done and the ops after them (0 and `ops` unchanged when absent).
int read_stages(const std::string& path, const SearchSpace& base, std::vector<EdgeOps>& ops) {
  if (!file_exists(path)) return 0;
  std::ifstream in(path);
  std::string line, word;
  int done = 0, rows = 0;
  std::vector<EdgeOps> read(ops.size(), EdgeOps(base.num_edges()));
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    fields >> word;
    if (word == "stage") {
      fields >> done;
      continue;
    }
    int t = -1, e = -1;
    for (size_t k = 0; k < base.cell_types.size(); ++k)
      if (base.cell_types[k].name == word) t = int(k);
    LDARTS_CHECK(t >= 0 && (fields >> e) && e >= 0 && e < base.num_edges(), path, ": unreadable line '", line,
                 "' (delete the file and the stage folders after the last complete one to rerun them)");
    while (fields >> word) read[t][e].push_back(word);
    ++rows;
  }
  LDARTS_CHECK(done > 0 && rows == int(ops.size()) * base.num_edges(), path, ": no complete stage record");
  ops = read;
  return done;
}

// The run's configuration with the stage's own layers, seed and folder (so that
// `ldarts summarize` tells the stages apart); <out>/config.toml reruns the whole run.
std::string stage_config(const std::string& resolved, const SearchOptions& stage, size_t s, size_t stages,
                         const std::string& run_out) {
  std::istringstream in(resolved);
  std::ostringstream out;
  out << "# P-DARTS stage " << s + 1 << " of " << stages << " of the run in " << run_out
      << " (layers, seed and out are this stage's; " << run_out << "/config.toml reruns the whole run)\n";
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("layers=", 0) == 0) line = "layers=" + std::to_string(stage.layers);
    else if (line.rfind("seed=", 0) == 0) line = "seed=" + std::to_string(stage.seed);
    else if (line.rfind("out=", 0) == 0) line = "out=\"" + stage.out + "\"";
    out << line << "\n";
  }
  return out.str();
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// The stage options make sense together (one value per stage, fewer ops each stage, ending with one).
void check_stages(const SearchOptions& o, const PDartsSettings& pd, const SearchSpace& base) {
  const size_t stages = pd.add_layers.size();
  LDARTS_CHECK(stages >= 1 && pd.keep_ops.size() == stages && pd.skip_dropout.size() == stages,
               "--pdarts-add-layers, --pdarts-keep-ops and --pdarts-skip-dropout need one value per stage; got ",
               pd.add_layers.size(), ", ", pd.keep_ops.size(), " and ", pd.skip_dropout.size());
  LDARTS_CHECK(o.resume.empty() || o.resume == "auto", "--method p-darts resumes with --resume auto (it finds the "
               "stage and its newest checkpoint in ", o.out, "/stage-*); got --resume ", o.resume);
  LDARTS_CHECK(base.kind == CellKind::darts && !base.ops.empty(), "--method p-darts needs a DARTS space whose "
               "edges all have the same ops (darts, darts-none); got --space ", base.name);
  for (size_t s = 0; s < stages; ++s) {
    const int64_t before = s == 0 ? base.num_ops() : pd.keep_ops[s - 1];
    LDARTS_CHECK(pd.keep_ops[s] >= 1 && pd.keep_ops[s] < before, "--pdarts-keep-ops: stage ", s + 1,
                 " starts with ", before, " ops per edge and must keep fewer (and at least 1); got ",
                 pd.keep_ops[s]);
    LDARTS_CHECK(pd.skip_dropout[s] >= 0 && pd.skip_dropout[s] < 1,
                 "--pdarts-skip-dropout rates must be in [0, 1); got ", pd.skip_dropout[s]);
    LDARTS_CHECK(o.layers + pd.add_layers[s] >= 4, "stage ", s + 1, " would have ",
                 o.layers + pd.add_layers[s], " cells; --layers + --pdarts-add-layers must be 4 or more");
  }
  LDARTS_CHECK(pd.keep_ops.back() == 1, "--pdarts-keep-ops must end with 1: the final cell keeps one op per "
               "edge; got ", pd.keep_ops.back());
}

}  // namespace

SearchResult run_progressive(const SearchOptions& o, const std::string& resolved_config, Communicator& comm) {
  const SearchSpace& base = find_space(o.space);
  const PDartsSettings& pd = method_settings<PDartsSettings>(o, "p-darts");
  check_stages(o, pd, base);
  const size_t stages = pd.add_layers.size();
  const bool root = comm.is_root();
  std::vector<EdgeOps> ops;
  for (const CellType& type : base.cell_types) ops.push_back(type.edge_ops);
  const std::string record = o.out + "/stages.txt";
  // The parent folder is this run's (pdarts.json holds its id; a fresh run finds it empty, or --force
  // moved another run aside, so no earlier record can make a later --resume auto skip stages).
  ClaimOptions claim{"search", o.resume, o.force, "pdarts.json"};
  const RunFolder parent = RunFolder::claim(o.out, claim, comm);
  if (root && !parent.moved_to().empty())
    std::printf("--force: moved the earlier contents of %s to %s (nothing deleted)\n", o.out.c_str(),
                parent.moved_to().c_str());
  const size_t first = o.resume == "auto" ? size_t(read_stages(record, base, ops)) : 0;
  LDARTS_CHECK(first < stages, record, " records ", first, " finished stages of ", stages);

  if (root && !resolved_config.empty()) {  // reruns the whole run; each stage folder gets its own
    make_dirs(o.out);
    write_file_atomically(o.out + "/config.toml", resolved_config);
  }
  SearchResult result;
  for (size_t s = first; s < stages; ++s) {
    SearchOptions so = o;
    so.out = o.out + "/stage-" + std::to_string(s + 1);
    so.layers = o.layers + pd.add_layers[s];
    so.seed = s == 0 ? o.seed : derive_seed(o.seed, {0x9da, s});  // fresh ω and α (train_search.py:124-141)
    method_settings<PDartsSettings>(so, "p-darts").stage = int(s);
    so.show_next_steps = false;  // the end of the last stage is printed below
    so.skip_dropout = pd.priors ? pd.skip_dropout[s] : 0;
    so.resume = o.resume.empty() ? "" : "auto";
    so.force = false;
    const SearchSpace space = stage_space(base, ops);
    if (root) {
      std::printf("== P-DARTS stage %zu/%zu: %ld cells, %zu ops per edge, skip dropout %g, run folder %s\n", s + 1,
                  stages, long(so.layers), ops[0][0].size(), so.skip_dropout, so.out.c_str());
      std::fflush(stdout);
    }
    result = run_search_in(so, space, stage_config(resolved_config, so, s, stages, o.out), comm);
    if (s + 1 == stages) {
      // The final cell (train_search.py:205-262): one non-none op per edge, two edges per node.
      DartsGenotype g;
      g.normal = pd.priors ? limit_skips(space, "normal", result.probabilities[0], pd.max_skips)
                                 : derive_darts_cell(space, "normal", result.probabilities[0]);
      g.reduce = derive_darts_cell(space, "reduce", result.probabilities[1]);
      const std::string text = to_genotype_text(g);
      if (root) {
        write_file_atomically(o.out + "/genotype.json", to_json(g));
        std::printf("\nP-DARTS final genotype%s: %s\n  (stage %zu without the skip limit: %s)\n",
                    pd.priors ? (" (normal cell with at most " + std::to_string(pd.max_skips) +
                                       " skip_connects)").c_str()
                                    : " (w/o priors: no skip limit)",
                    text.c_str(), stages, result.genotype.c_str());
        std::fflush(stdout);
      }
      result.genotype = text;
      break;
    }
    for (size_t t = 0; t < ops.size(); ++t)
      ops[t] = prune_ops(ops[t], result.probabilities[t], int(pd.keep_ops[s]));
    if (root) {
      write_file_atomically(record, stages_text(int(s + 1), base, ops));
      std::printf("P-DARTS stage %zu done: %ld ops per edge remain (%s edge 0: %s)\n", s + 1,
                  long(pd.keep_ops[s]), base.cell_types[0].name.c_str(), join(ops[0][0]).c_str());
      std::fflush(stdout);
    }
  }
  return result;
}

}  // namespace ldarts
