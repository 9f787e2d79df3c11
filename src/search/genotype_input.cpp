#include "ldarts/search/genotype_input.h"

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/spaces/space.h"

namespace ldarts {
namespace {

const std::vector<std::string> kEvalOps = {"max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3",
                                           "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5"};

// Far more than any genotype (genotype.json of the DARTS space: about 1 KB).
constexpr size_t kMaxGenotypeBytes = 16384;

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r\n"), b = s.find_last_not_of(" \t\r\n");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// The bracketed list after `key` (key=[...] or "key": [...]), brackets matched.
std::string list_after(const std::string& text, const std::string& key, const std::string& source) {
  std::smatch m;
  LDARTS_CHECK(std::regex_search(text, m, std::regex("[\"']?\\b" + key + "\\b[\"']?\\s*[:=]\\s*\\[")), source,
               ": no '", key, "' list (expected ", key, "=[('op', input), ...] or \"", key, "\": [[\"op\", input], ...])");
  size_t pos = m.position(0) + m.length(0), depth = 1;
  const size_t start = pos;
  for (; pos < text.size() && depth > 0; ++pos) depth += text[pos] == '[' ? 1 : text[pos] == ']' ? -1 : 0;
  LDARTS_CHECK(depth == 0, source, ": the '", key, "' list is not closed with ']'");
  return text.substr(start, pos - 1 - start);
}

// A number the regexes below matched as -?[0-9]+; one of more digits than an int holds is
// an error naming `what` (std::stoi would throw std::out_of_range).
int to_int(const std::string& digits, const std::string& what) {
  LDARTS_CHECK(digits.size() <= (digits[0] == '-' ? 10u : 9u), what, ": number ", digits.substr(0, 24),
               " is out of range");
  return std::stoi(digits);
}

// (op, input) pairs written as ('op', 1) or ["op", 1]; anything else is an error.
std::vector<std::pair<std::string, int>> parse_pairs(const std::string& body, const std::string& what) {
  std::vector<std::pair<std::string, int>> pairs;
  const std::regex pair("[\\(\\[]\\s*[\"']([A-Za-z0-9_]+)[\"']\\s*,\\s*(-?[0-9]+)\\s*[\\)\\]]");
  size_t last = 0;
  for (auto it = std::sregex_iterator(body.begin(), body.end(), pair); it != std::sregex_iterator(); ++it) {
    const std::string between = trim(body.substr(last, it->position(0) - last));
    LDARTS_CHECK(between.empty() || between == ",", what, ": cannot read '", between.substr(0, 40),
                 "' (expected ('op', input) pairs)");
    pairs.push_back({(*it)[1].str(), to_int((*it)[2].str(), what)});
    last = it->position(0) + it->length(0);
  }
  const std::string rest = trim(body.substr(last));
  LDARTS_CHECK(rest.empty() || rest == ",", what, ": cannot read '", rest.substr(0, 40),
               "' (expected ('op', input) pairs)");
  return pairs;
}

// normal_concat=range(2, 6) | [2, 3, 4, 5] | list(range(2, 6)); absent: all intermediate nodes.
std::vector<int> parse_concat(const std::string& text, const std::string& key, int nodes, const std::string& what) {
  std::smatch m;
  std::vector<int> concat;
  if (std::regex_search(text, m, std::regex("[\"']?\\b" + key + "\\b[\"']?\\s*[:=]\\s*(?:list\\()?\\s*range\\(\\s*([0-9]+)\\s*,\\s*([0-9]+)\\s*\\)"))) {
    const int first = to_int(m[1].str(), what), end = to_int(m[2].str(), what);
    // check_darts_cell names a wrong node; range(2, 999999999) must not fill memory before it does.
    LDARTS_CHECK(end - first <= 64, what, ": ", key, "=range(", first, ", ", end, ") has more nodes than a cell");
    for (int i = first; i < end; ++i) concat.push_back(i);
  } else if (std::regex_search(text, m, std::regex("[\"']?\\b" + key + "\\b[\"']?\\s*[:=]\\s*\\[([0-9,\\s]*)\\]"))) {
    const std::string body = m[1].str();
    const std::regex number("[0-9]+");
    for (auto it = std::sregex_iterator(body.begin(), body.end(), number); it != std::sregex_iterator(); ++it)
      concat.push_back(to_int(it->str(), what));
  } else {
    LDARTS_CHECK(text.find(key) == std::string::npos, what, ": cannot read ", key,
                 " (expected range(2, 6) or [2, 3, 4, 5])");
    for (int i = 2; i < 2 + nodes; ++i) concat.push_back(i);
  }
  return concat;
}

DartsCellGenotype parse_cell(const std::string& text, const std::string& key, const std::string& source) {
  const std::string what = source + ": " + key;
  DartsCellGenotype c;
  c.ops = parse_pairs(list_after(text, key, source), what);
  c.concat = parse_concat(text, key + "_concat", static_cast<int>(c.ops.size() / 2), what);
  check_darts_cell(c, what);
  return c;
}

}  // namespace

void check_darts_cell(const DartsCellGenotype& c, const std::string& what) {
  LDARTS_CHECK(!c.ops.empty() && c.ops.size() % 2 == 0, what, " has ", c.ops.size(),
               " (op, input) pairs; a cell needs two per intermediate node (8 for the DARTS cell)");
  // A bound on what a file can make the network build (the DARTS cell has 4 intermediate nodes).
  constexpr size_t kMaxNodes = 32;
  LDARTS_CHECK(c.ops.size() / 2 <= kMaxNodes, what, " has ", c.ops.size() / 2, " intermediate nodes; at most ",
               kMaxNodes, " are built (is it the right file?)");
  for (size_t i = 0; i < c.ops.size(); ++i) {
    const auto& [op, input] = c.ops[i];
    const int node = 2 + static_cast<int>(i / 2);
    if (std::find(kEvalOps.begin(), kEvalOps.end(), op) == kEvalOps.end()) {
      std::string known;
      for (const auto& k : kEvalOps) known += (known.empty() ? "" : ", ") + k;
      fail(what, " pair ", i, ": unknown operation '", op, "' (a derived cell uses: ", known, ")");
    }
    LDARTS_CHECK(input >= 0 && input < node, what, " pair ", i, " ('", op, "', ", input, "): node ", node,
                 " can only take inputs 0..", node - 1);
  }
  const int last = 1 + static_cast<int>(c.ops.size() / 2);
  LDARTS_CHECK(!c.concat.empty(), what, ": the concat list is empty");
  for (int n : c.concat)
    LDARTS_CHECK(n >= 2 && n <= last, what, ": concat node ", n, " does not exist (nodes 2..", last, ")");
}

AnyGenotype parse_genotype(const std::string& text_in, const std::string& source) {
  // std::regex recurses once per character of a match: a long enough run (300 KB) overflows the stack.
  LDARTS_CHECK(text_in.size() <= kMaxGenotypeBytes, source, ": ", text_in.size(),
               " bytes is too long for a genotype (at most ", kMaxGenotypeBytes, "; is it the right file?)");
  const std::string text = trim(text_in);
  LDARTS_CHECK(!text.empty(), source, ": the genotype is empty");
  AnyGenotype g;
  std::smatch m;
  const SearchSpace& nb201 = find_space("nb201");
  // parse_nb201_string's errors say what is wrong with the string; these add where it came from.
  auto nb201_of = [&](const std::string& cell) {
    try {
      return parse_nb201_string(nb201, cell);
    } catch (const Error& e) {
      fail(source, ": ", e.what());
    }
  };
  if (text.front() == '|') {
    g.is_nb201 = true;
    g.nb201 = nb201_of(text);
    return g;
  }
  if (std::regex_search(text, m, std::regex("\"nb201\"\\s*:\\s*\"([^\"]*)\""))) {
    g.is_nb201 = true;
    g.nb201 = nb201_of(m[1].str());
    return g;
  }
  LDARTS_CHECK(text.find("normal") != std::string::npos && text.find("reduce") != std::string::npos, source,
               ": not a genotype: expected an NB201 string |op~0|+..., a genotype.json, or "
               "Genotype(normal=[...], normal_concat=..., reduce=[...], reduce_concat=...)");
  g.darts.normal = parse_cell(text, "normal", source);
  g.darts.reduce = parse_cell(text, "reduce", source);
  return g;
}

AnyGenotype read_genotype(const std::string& arg) {
  const std::string t = trim(arg);
  const bool inline_text =
      t.empty() || t.front() == '|' || t.front() == '{' || t.find("Genotype(") != std::string::npos;
  if (inline_text) return parse_genotype(t, "--genotype");
  LDARTS_CHECK(file_exists(t), "--genotype ", t, ": no such file (give a genotype file, an NB201 string or "
               "Genotype(...) text)");
  std::ifstream in(t);
  LDARTS_CHECK(in, "cannot read ", t);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_genotype(buffer.str(), t);
}

std::string genotype_text(const AnyGenotype& g) {
  return g.is_nb201 ? to_nb201_string(find_space("nb201"), g.nb201) : to_genotype_text(g.darts);
}

}  // namespace ldarts
