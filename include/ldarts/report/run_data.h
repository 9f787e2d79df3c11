// One run folder of `ldarts search` or `ldarts train`, read into named series
// for the report (docs/report.md). Every file is optional: what is missing is
// listed in `missing` and simply not shown.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ldarts/report/json.h"

namespace ldarts {

// A CSV file whose columns are read by header name, never by position.
struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  // fields without their quotes; short rows padded with ""

  bool has(const std::string& column) const;
  // The column as numbers: NaN where a field is empty or not a number (a gap
  // in the plot), all NaN when the column is absent.
  std::vector<double> numbers(const std::string& column) const;
  std::vector<std::string> strings(const std::string& column) const;
};

// RFC 4180 CSV: fields may be double-quoted ("" inside a quoted field is one
// quote). A quote left open at the end (a half-written row) drops that row.
Table parse_csv(const std::string& text, const std::string& source, std::vector<std::string>* warnings = nullptr);

// alphas.jsonl: softmax(α) after each epoch, per cell type.
struct AlphaHistory {
  std::vector<double> epochs;                 // the "epoch" of each line (0-based)
  std::vector<std::string> cell_types;        // in the order of the first line
  // [cell type] -> [line][edge][op]
  std::map<std::string, std::vector<std::vector<std::vector<double>>>> probabilities;
};

// cells/epoch-NNN-<cell>.svg
struct CellPicture {
  int epoch = 0;  // 1-based, as in the file name
  std::string cell;
  std::string svg;  // the file's text
};

// space.json: one cell type's α layout (every search writes the file; the report
// reads it instead of the compiled-in spaces, which it does not link).
struct SpaceEdge {
  int from;  // node `to` receives op(node `from`)
  int to;
};
struct SpaceCellType {
  std::string name;                                // "cell", "normal", "reduce"
  std::vector<std::vector<std::string>> edge_ops;  // [edges][ops of that edge]: α's columns
};

// config.toml: `key = value` lines (string values unquoted), in file order.
std::vector<std::pair<std::string, std::string>> parse_config(const std::string& text);

struct RunData {
  std::string dir;      // as given on the command line
  std::string name;     // legend label: the folder's name, made unique by name_runs
  std::string command;  // "search" or "train"
  Json info;            // run.json (null when absent)
  std::string config_text;
  std::vector<std::pair<std::string, std::string>> config;  // config.toml in file order; string values unquoted
  Table metrics, steps, diagnostics;
  // The search space's α layout from space.json; without it (folders of ldarts
  // before it wrote the file) empty: edges are then numbered, ops labelled op1..opK.
  std::string space_name;  // space.json's, else config.toml's `space`
  std::vector<SpaceEdge> edges;
  std::vector<SpaceCellType> cell_types;
  AlphaHistory alphas;
  std::vector<CellPicture> pictures;  // sorted by cell, then epoch
  std::string genotype;               // genotype.json (search) or genotype.txt (train), as written
  Json test;                          // test.json (train)
  std::vector<std::string> found, missing, warnings;

  // A config.toml value ("" when the key is absent).
  std::string config_value(const std::string& key) const;
  bool is_search() const { return command == "search"; }
};

// Reads every known file of `dir`. An Error when the folder does not exist or
// holds none of the files a run writes; a malformed file becomes a warning.
RunData read_run(const std::string& dir);

// Legend labels: each run's folder name; where two runs share one, the parent
// folder is prepended, and a counter added if that is not enough.
void name_runs(std::vector<RunData>& runs);

// The run's final genotype as one line of text ("" when unknown).
std::string final_genotype(const RunData& run);

// A run in the words of the report's run table.
struct RunSummary {
  std::string where;     // "nb201 / fashion-mnist" (space, or the training network, / dataset)
  std::string method;    // "Λ-DARTS, Λ, λ=0.25, central", "DARTS (first order)", "evaluation training"
  std::string epochs;    // rows of metrics.csv, "3 of 50" when config.toml planned more
  std::string genotype;  // final_genotype
  std::string result;    // NB201 test accuracies of the last genotype, or test.json's top-1 / top-5
};
RunSummary summarize(const RunData& run);

}  // namespace ldarts
