// `ldarts report`: run folders written here by hand are read by header name,
// plotted with one point per row, seeds of one configuration averaged with a
// 95% band checked against a hand computation, and the page is offline and
// runs no script but its own, whatever a run folder holds.
#include <gtest/gtest.h>

#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <regex>

#include "ldarts/core/encoding.h"
#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/report/gnuplot.h"
#include "ldarts/report/html.h"
#include "ldarts/report/plots.h"
#include "ldarts/report/report.h"
#include "ldarts/report/run_data.h"
#include "support/test_support.h"

using namespace ldarts;
using test::TempDir;
using test::write_text;

namespace {

const std::string kMetricsHeader =
    "epoch,lr,lambda,epsilon,delta_norm,grad_norm,train_loss,train_acc,arch_loss,arch_acc,valid_loss,valid_acc,"
    "alignment_train,alignment_valid,sign_alignment_train,sign_alignment_valid,genotype,cifar10_test,cifar100_test,"
    "imagenet16_test,seconds,alpha_change_l1_normal,alpha_change_l1_reduce\n";

// A DARTS-space search folder of 3 epochs; `loss` are its train_loss values.
void write_search_run(const std::string& dir, int seed, const std::vector<double>& loss,
                      const std::string& lambda = "0.25") {
  make_dirs(dir + "/cells");
  write_text(dir + "/run.json", "{\"command\": \"search\", \"ldarts_version\": \"0.1.0\", \"torch_version\": "
                                "\"2.11.0\", \"world_size\": 1, \"argv\": \"ldarts search --config x.toml\"}\n");
  write_text(dir + "/config.toml", "space=\"darts\"\ndataset=\"fashion-mnist\"\nepochs=3\nregularizer=\"corr\"\nlambda=" +
                                       lambda + "\nseed=" + std::to_string(seed) + "\nout=\"" + dir + "\"\n");
  std::string metrics = kMetricsHeader;
  for (int e = 0; e < 3; ++e)
    metrics += std::to_string(e) + ",0.02,0.1,1e-5,3,4," + std::to_string(loss[e]) +
               ",50,1.5,45,1.4,47,0.1,0.2,0.3,0.4,\"Genotype(normal=[('sep_conv_3x3', 0), ('skip_connect', 1)], "
               "normal_concat=range(2, 6), reduce=[(\"\"max_pool_3x3\"\", 0)], reduce_concat=range(2, 6))\",,,,12.5,0." +
               std::to_string(e + 1) + ",0.05\n";
  write_text(dir + "/metrics.csv", metrics);
  std::string steps = "epoch,step,lr,lambda,train_loss,train_acc,arch_loss,arch_acc,alignment_train,alignment_valid,"
                      "sign_alignment_train,sign_alignment_valid,epsilon,delta_norm,grad_norm\n";
  for (int e = 0; e < 3; ++e)
    for (int s = 0; s < 2; ++s) steps += std::to_string(e) + "," + std::to_string(s) + ",0.02,0,2,10,2.1,9,0.1,0.2,0.1,0.2,0,0,1\n";
  write_text(dir + "/steps.csv", steps);
  write_text(dir + "/diagnostics.csv",
             "epoch,step,global_step,grad_ema_first5_conv,grad_ema_first5_skip,grad_ema_last5_conv,grad_ema_last5_skip,"
             "cos_output_stage1,cos_output_stage2,cos_output_stage3,cos_grad_stage1,cos_grad_stage2,cos_grad_stage3\n"
             "0,0,0,1,2,3,4,0.9,0.8,0.7,0.1,0.2,0.3\n0,3,3,1,2,3,4,0.9,0.8,0.7,0.1,0.2,0.3\n"
             "1,1,6,1,2,3,4,0.9,0.8,0.7,0.1,0.2,0.3\n2,0,9,1,2,3,4,0.9,,0.7,0.1,0.2,0.3\n");
  // Two cell types, 2 edges each (a cut-down space.json), 3 ops per edge.
  write_text(dir + "/space.json",
             "{\"space\": \"darts\", \"cell_types\": [{\"name\": \"normal\", \"edges\": [{\"from\": 0, \"to\": 2, "
             "\"ops\": [\"none\", \"skip_connect\", \"sep_conv_3x3\"]}, {\"from\": 1, \"to\": 2, \"ops\": [\"none\", "
             "\"skip_connect\", \"sep_conv_3x3\"]}]}, {\"name\": \"reduce\", \"edges\": [{\"from\": 0, \"to\": 2, "
             "\"ops\": [\"none\", \"max_pool_3x3\", \"sep_conv_3x3\"]}, {\"from\": 1, \"to\": 2, \"ops\": [\"none\", "
             "\"max_pool_3x3\", \"sep_conv_3x3\"]}]}]}\n");
  std::string alphas;
  for (int e = 0; e < 3; ++e)
    alphas += "{\"epoch\": " + std::to_string(e) +
              ", \"normal\": [[0.2, 0.3, 0.5], [0.3, 0.3, 0.4]], \"reduce\": [[0.1, 0.1, 0.8], [0.3, 0.4, 0.3]]}\n";
  write_text(dir + "/alphas.jsonl", alphas);
  for (int e = 1; e <= 3; ++e)
    for (const char* cell : {"normal", "reduce"}) {
      char name[64];
      std::snprintf(name, sizeof name, "/cells/epoch-%03d-%s.svg", e, cell);
      write_text(dir + name, "<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
                             "\"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n<svg xmlns=\"http://www.w3.org/2000/svg\">"
                             "<g id=\"graph0\"><use href=\"#graph0\"/></g></svg>\n");
    }
  write_text(dir + "/genotype.json", "{\n  \"normal\": [[\"sep_conv_3x3\", 0]],\n  \"normal_concat\": [2]\n}\n");
}

void write_train_run(const std::string& dir) {
  make_dirs(dir);
  write_text(dir + "/config.toml", "network=\"cifar\"\ndataset=\"fashion-mnist\"\nepochs=2\nseed=0\n");
  write_text(dir + "/genotype.txt", "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|skip_connect~0|none~1|avg_pool_3x3~2|\n");
  write_text(dir + "/metrics.csv", "epoch,lr,drop_path,train_loss,train_top1,train_top5,valid_loss,valid_top1,valid_top5,seconds\n"
                                   "0,0.05,0,2.0,30,70,1.9,35,75,3\n1,0.01,0.1,1.5,45,85,1.6,44,86,3\n");
  write_text(dir + "/test.json", "{\"images\": 10000, \"loss\": 0.3, \"top1\": 94.1, \"top5\": 99.8, \"epochs\": 2}\n");
}

const Plot& plot_named(const std::vector<Plot>& plots, const std::string& id) {
  for (const Plot& p : plots)
    if (p.id == id) return p;
  throw std::runtime_error("no plot " + id);
}

bool has_plot(const std::vector<Plot>& plots, const std::string& id) {
  for (const Plot& p : plots)
    if (p.id == id) return true;
  return false;
}

// Stand-in pictures so that the page can be checked without gnuplot.
std::map<std::string, std::string> fake_svgs(const std::vector<Plot>& plots) {
  std::map<std::string, std::string> svgs;
  for (const Plot& p : plots) svgs[p.id] = "<?xml version=\"1.0\"?>\n<svg viewBox=\"0 0 10 10\"><title>Gnuplot</title></svg>";
  return svgs;
}

// Every src= / href= value of the page that leaves it (anything but "#..." and data:).
std::vector<std::string> external_references(const std::string& html) {
  std::vector<std::string> found;
  const std::regex attribute("(src|href)\\s*=\\s*[\"']?([^\"' >]*)", std::regex::icase);
  for (auto it = std::sregex_iterator(html.begin(), html.end(), attribute); it != std::sregex_iterator(); ++it) {
    const std::string value = (*it)[2].str();
    if (!value.empty() && value[0] != '#' && value.rfind("data:", 0) != 0) found.push_back(value);
  }
  return found;
}

// The start tags of a page with their attributes (names lower-cased, values
// as written), read as a browser would: quoted values may hold '<' and '>'
// of escaped text, and the contents of <script> and <style> are skipped.
struct Tag {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::string attribute(const std::string& key) const {
    for (const auto& [k, v] : attributes)
      if (k == key) return v;
    return "";
  }
};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<Tag> start_tags(const std::string& html) {
  std::vector<Tag> tags;
  const auto space = [&](size_t i) { return i < html.size() && std::isspace(static_cast<unsigned char>(html[i])); };
  for (size_t i = html.find('<'); i != std::string::npos; i = html.find('<', i)) {
    ++i;
    if (i >= html.size() || !std::isalpha(static_cast<unsigned char>(html[i]))) continue;
    Tag tag;
    while (i < html.size() && !space(i) && html[i] != '>' && html[i] != '/') tag.name += html[i++];
    tag.name = lower(tag.name);
    while (i < html.size() && html[i] != '>') {
      if (space(i) || html[i] == '/') { ++i; continue; }
      std::string key, value;
      while (i < html.size() && !space(i) && html[i] != '=' && html[i] != '>') key += html[i++];
      while (space(i)) ++i;
      if (i < html.size() && html[i] == '=') {
        ++i;
        while (space(i)) ++i;
        if (i < html.size() && (html[i] == '"' || html[i] == '\'')) {
          const size_t close = html.find(html[i], i + 1);
          value = html.substr(i + 1, close - i - 1);
          i = close == std::string::npos ? html.size() : close + 1;
        } else {
          while (i < html.size() && !space(i) && html[i] != '>') value += html[i++];
        }
      }
      tag.attributes.emplace_back(lower(key), value);
    }
    if (tag.name == "script" || tag.name == "style") {
      const size_t end = lower(html).find("</" + tag.name, i);
      i = end == std::string::npos ? html.size() : end;
    }
    tags.push_back(tag);
  }
  return tags;
}

// The text of every <script>...</script> of the page, as the browser hashes it.
std::vector<std::string> script_texts(const std::string& html) {
  std::vector<std::string> texts;
  for (size_t at = html.find("<script>"); at != std::string::npos; at = html.find("<script>", at + 1)) {
    const size_t begin = at + 8;
    texts.push_back(html.substr(begin, html.find("</script>", begin) - begin));
  }
  return texts;
}

size_t count_case_insensitive(const std::string& text, const std::string& needle) {
  size_t n = 0;
  const std::string haystack = lower(text);
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

std::string hex(const std::array<uint8_t, 32>& digest) {
  std::string out;
  char buf[3];
  for (uint8_t byte : digest) std::snprintf(buf, sizeof buf, "%02x", byte), out += buf;
  return out;
}

}  // namespace

TEST(Report, Sha256AndBase64MatchPublishedVectors) {
  // FIPS 180-2 appendix B and C.
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(hex(sha256(std::string(1000000, 'a'))), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Around the padding's block boundaries (Python's hashlib).
  EXPECT_EQ(hex(sha256(std::string(55, 'x'))), "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072");
  EXPECT_EQ(hex(sha256(std::string(56, 'x'))), "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e");
  EXPECT_EQ(hex(sha256(std::string(63, 'x'))), "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2");
  EXPECT_EQ(hex(sha256(std::string(64, 'x'))), "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c");
  EXPECT_EQ(hex(sha256(std::string(65, 'x'))), "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9");
  // RFC 4648 section 10, and a CSP hash source as browsers print it.
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"}, {std::string("\xff\xfe\0", 3), "//4A"}};
  for (const auto& [text, encoded] : vectors) EXPECT_EQ(base64(text), encoded) << text;
  EXPECT_EQ(base64(sha256("abc")), "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
}

// A shared run folder is untrusted: a cell picture with a script and a file
// name made to break out of an attribute must give a page that runs only its
// own scripts (the pictures are data: images, names are escaped and ids
// sanitized, and the CSP allows the page's two scripts by hash only).
TEST(Report, HostileCellPicturesAndNamesRunNoScript) {
  TempDir dir;
  write_search_run(dir.file("shared"), 1, {2.0, 1.5, 1.0});
  const std::string hostile_svg = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
                                  "onload=\"document.title='PWNED'\"><script>document.title='PWNED'</script>"
                                  "<g id=\"graph0\"/></svg>\n";
  write_text(dir.file("shared/cells/epoch-001-normal.svg"), hostile_svg);
  // A file name cannot hold '/', so this one breaks out with an <img onerror>.
  const std::string hostile_name = "\"><img src=x onerror=alert(1)><script>x";
  write_text(dir.file("shared/cells/epoch-002-" + hostile_name + ".svg"), hostile_svg);
  std::vector<RunData> runs{read_run(dir.file("shared"))};
  name_runs(runs);
  ASSERT_EQ(runs[0].pictures.size(), 7u);
  // The name the task names, which only a caller (not a file) can give.
  CellPicture picture;
  picture.epoch = 1, picture.cell = "\"><script>x</script>", picture.svg = hostile_svg;
  runs[0].pictures.push_back(picture);
  const std::vector<RunGroup> groups = group_runs(runs);
  const std::vector<Plot> plots = build_plots(runs, groups);
  const std::string html = render_html(runs, groups, plots, fake_svgs(plots), "t");

  EXPECT_EQ(count_case_insensitive(html, "<script"), 2u) << "only the page's own two scripts";
  EXPECT_EQ(html.find("document.title="), std::string::npos) << "the hostile SVG is not inline";
  const std::vector<Tag> tags = start_tags(html);
  size_t scripts = 0, frames = 0;
  const std::regex safe_id("[A-Za-z0-9_-]+");
  for (const Tag& tag : tags) {
    scripts += tag.name == "script";
    for (const auto& [key, value] : tag.attributes) {
      EXPECT_NE(key.rfind("on", 0), 0u) << "<" << tag.name << " " << key << "=" << value << ">";
      if (key == "id" || key == "data-cell" || key == "data-plot") {
        EXPECT_TRUE(std::regex_match(value, safe_id)) << "<" << tag.name << " " << key << "=\"" << value << "\">";
      }
    }
    if (tag.name == "img" && tag.attribute("class") == "frame") {
      ++frames;
      EXPECT_EQ(tag.attribute("src").rfind("data:image/svg+xml;base64,", 0), 0u);
    }
  }
  EXPECT_EQ(scripts, 2u);
  EXPECT_EQ(frames, 8u) << "every picture is an <img>, none inline";
  EXPECT_NE(html.find("src=\"data:image/svg+xml;base64," + base64(hostile_svg) + "\""), std::string::npos);
  EXPECT_NE(html.find("data-cell=\"___img_src_x_onerror_alert_1___script_x\""), std::string::npos);
  EXPECT_NE(html.find("data-cell=\"___script_x__script_\""), std::string::npos);
  EXPECT_NE(html.find("<h3>shared: &quot;&gt;&lt;script&gt;x&lt;/script&gt; cell</h3>"), std::string::npos)
      << "visible names are escaped";
  EXPECT_EQ(html_id("\"><script>x</script>"), "___script_x__script_");

  // The CSP: script-src lists exactly the hashes of the page's scripts, and no 'unsafe-inline'.
  std::string policy;
  for (const Tag& tag : tags)
    if (lower(tag.attribute("http-equiv")) == "content-security-policy") policy = tag.attribute("content");
  ASSERT_FALSE(policy.empty());
  const size_t from = policy.find("script-src");
  ASSERT_NE(from, std::string::npos);
  const std::string script_src = policy.substr(from, policy.find(';', from) - from);
  EXPECT_EQ(script_src.find("unsafe"), std::string::npos) << script_src;
  std::string expected = "script-src";
  const std::vector<std::string> texts = script_texts(html);
  ASSERT_EQ(texts.size(), 2u);
  for (const std::string& text : texts) expected += " 'sha256-" + base64(sha256(text)) + "'";
  EXPECT_EQ(script_src, expected);
  EXPECT_NE(policy.find("default-src 'none'"), std::string::npos);
}

TEST(Report, CsvColumnsAreReadByNameAndQuotedFieldsKeepTheirCommas) {
  std::vector<std::string> warnings;
  const Table t = parse_csv("b,genotype,a\n1,\"x, \"\"y\"\", z\",2\n3,,\n,plain,5,extra\n", "m.csv", &warnings);
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.strings("genotype")[0], "x, \"y\", z");
  EXPECT_EQ(t.numbers("a")[0], 2);
  EXPECT_TRUE(std::isnan(t.numbers("a")[1]));     // empty field: a gap
  EXPECT_TRUE(std::isnan(t.numbers("genotype")[2]));  // not a number
  EXPECT_TRUE(std::isnan(t.numbers("missing")[0]));   // absent column: all gaps
  EXPECT_EQ(warnings.size(), 1u) << "the row with an extra field";
  // A half-written last row (open quote) is dropped with a warning.
  warnings.clear();
  EXPECT_EQ(parse_csv("a,b\n1,2\n3,\"open", "m.csv", &warnings).rows.size(), 1u);
  EXPECT_EQ(warnings.size(), 1u);
}

TEST(Report, SearchRunGivesOnePointPerRowInEverySeries) {
  TempDir dir;
  write_search_run(dir.file("s1"), 1, {2.0, 1.5, 1.0});
  std::vector<RunData> runs{read_run(dir.file("s1"))};
  name_runs(runs);
  const RunData& run = runs[0];
  EXPECT_EQ(run.name, "s1");
  EXPECT_EQ(run.command, "search");
  EXPECT_EQ(run.missing, std::vector<std::string>{}) << "a search run lacks none of its files";
  EXPECT_EQ(final_genotype(run),
            "Genotype(normal=[('sep_conv_3x3', 0), ('skip_connect', 1)], normal_concat=range(2, 6), "
            "reduce=[(\"max_pool_3x3\", 0)], reduce_concat=range(2, 6))");
  EXPECT_EQ(run.pictures.size(), 6u);
  const RunSummary summary = summarize(run);
  EXPECT_EQ(summary.where, "darts / fashion-mnist");
  EXPECT_EQ(summary.method, "Λ-DARTS, Λ, λ=0.25");
  EXPECT_EQ(summary.epochs, "3");
  const std::vector<Plot> plots = build_plots(runs, group_runs(runs));
  for (const char* id : {"loss", "accuracy", "alignment", "sign_alignment", "lambda", "epsilon", "delta_norm",
                         "grad_norm", "lr", "alpha_change"}) {
    const Plot& p = plot_named(plots, id);
    ASSERT_FALSE(p.series.empty()) << id;
    for (const Series& s : p.series) EXPECT_EQ(s.x.size(), 3u) << id << " " << s.name;
  }
  EXPECT_EQ(plot_named(plots, "loss").series[0].name, "s1/train_loss");
  EXPECT_EQ(plot_named(plots, "loss").series[0].y, (std::vector<double>{2.0, 1.5, 1.0}));
  EXPECT_EQ(plot_named(plots, "loss").series[0].x, (std::vector<double>{1, 2, 3}));  // 1-based epochs
  EXPECT_EQ(plot_named(plots, "alpha_change").series.size(), 2u);                    // normal, reduce
  EXPECT_FALSE(has_plot(plots, "nb201")) << "empty NB201 columns are not plotted";
  for (const Series& s : plot_named(plots, "steps_loss").series) EXPECT_EQ(s.x.size(), 6u);
  EXPECT_EQ(plot_named(plots, "steps_loss").series[0].x.back(), 5);  // global step, not the per-epoch step
  // Diagnostics: grouped by prefix, x = the global_step column, a gap stays a NaN.
  const Plot& cos = plot_named(plots, "diag_cos_output");
  ASSERT_EQ(cos.series.size(), 3u);
  EXPECT_EQ(cos.series[1].x, (std::vector<double>{0, 3, 6, 9}));
  EXPECT_TRUE(std::isnan(cos.series[1].y[3]));
  EXPECT_EQ(plot_named(plots, "diag_grad_ema").series.size(), 4u);
  EXPECT_EQ(plot_named(plots, "diag_cos_grad").series.size(), 3u);
  // softmax(α): one strip per cell type and edge, one series per op named from space.json.
  const Plot& strip = plot_named(plots, "alpha-0-reduce-1");
  ASSERT_EQ(strip.series.size(), 3u);
  EXPECT_EQ(strip.series[1].name, "max_pool_3x3");
  EXPECT_EQ(strip.series[1].y, (std::vector<double>{0.4, 0.4, 0.4}));
  EXPECT_EQ(strip.title, "reduce 1→2");
  EXPECT_TRUE(has_plot(plots, "alpha-0-normal-0"));
}

TEST(Report, SeedsOfOneConfigurationAreAveragedWithAStudentTBand) {
  EXPECT_DOUBLE_EQ(t_975(1), 12.706);
  EXPECT_DOUBLE_EQ(t_975(2), 4.303);
  EXPECT_NEAR(t_975(60), 2.000, 1e-3);
  EXPECT_NEAR(t_975(120), 1.980, 1e-3);
  TempDir dir;
  write_search_run(dir.file("seed1"), 1, {1.0, 2.0, 3.0});
  write_search_run(dir.file("seed2"), 2, {2.0, 2.0, 5.0});
  write_search_run(dir.file("seed3"), 3, {4.0, 2.0, 4.0});
  write_search_run(dir.file("other"), 1, {9.0, 9.0, 9.0}, "0.5");  // another λ: not in the group
  std::vector<RunData> runs;
  for (const char* name : {"seed1", "seed2", "other", "seed3"}) runs.push_back(read_run(dir.file(name)));
  name_runs(runs);
  const std::vector<RunGroup> groups = group_runs(runs);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].members, (std::vector<size_t>{0, 1, 3}));
  EXPECT_EQ(groups[0].label, "lambda=0.25 (mean of 3)");  // named by the setting that differs
  EXPECT_EQ(groups[1].members, (std::vector<size_t>{2}));
  const std::vector<Plot> plots = build_plots(runs, groups);
  const Plot& loss = plot_named(plots, "loss");
  const Series* mean = nullptr;
  int thin = 0;
  for (const Series& s : loss.series) {
    if (s.name == "lambda=0.25 (mean of 3)/train_loss") mean = &s;
    thin += s.thin;
  }
  EXPECT_EQ(thin, 9) << "3 members x 3 columns drawn thin behind their means";
  ASSERT_NE(mean, nullptr);
  ASSERT_EQ(mean->x, (std::vector<double>{1, 2, 3}));
  // Epoch 1: {1, 2, 4}: mean 7/3, s = sqrt(7/3) = 1.527525, half width 4.303 * s / sqrt(3) = 3.794891.
  EXPECT_NEAR(mean->y[0], 2.333333, 1e-6);
  EXPECT_NEAR(mean->upper[0] - mean->y[0], 3.794891, 1e-5);
  EXPECT_NEAR(mean->y[0] - mean->lower[0], 3.794891, 1e-5);
  // Epoch 2: {2, 2, 2}: no spread.
  EXPECT_NEAR(mean->upper[1], 2.0, 1e-12);
  // Epoch 3: {3, 5, 4}: mean 4, s = 1, half width 4.303 / sqrt(3) = 2.484339.
  EXPECT_NEAR(mean->y[2], 4.0, 1e-12);
  EXPECT_NEAR(mean->upper[2], 6.484339, 1e-5);
  // A point only one member has gets no band.
  Series a, b;
  a.x = {1, 2}, a.y = {1, 2}, b.x = {1}, b.y = {3};
  const Series m = mean_band("m", {a, b});
  EXPECT_EQ(m.y, (std::vector<double>{2, 2}));
  EXPECT_TRUE(std::isnan(m.lower[1]));
}

TEST(Report, PageListsEveryRunCarriesPointCountsAndLoadsNothing) {
  TempDir dir;
  write_search_run(dir.file("a/run"), 1, {2.0, 1.5, 1.0});
  write_search_run(dir.file("b/run"), 2, {2.0, 1.5, 1.0});
  write_train_run(dir.file("train"));
  std::vector<RunData> runs{read_run(dir.file("a/run")), read_run(dir.file("b/run") + "/"), read_run(dir.file("train"))};
  name_runs(runs);
  EXPECT_EQ(runs[0].name, "a/run");  // same folder name: the parent tells them apart
  EXPECT_EQ(runs[1].name, "b/run");
  EXPECT_EQ(runs[2].command, "train");  // no run.json: inferred
  const std::vector<RunGroup> groups = group_runs(runs);
  const std::vector<Plot> plots = build_plots(runs, groups);
  const std::string html = render_html(runs, groups, plots, fake_svgs(plots), "test <page>");
  EXPECT_NE(html.find("<title>test &lt;page&gt;</title>"), std::string::npos);
  EXPECT_NE(html.find("data-runs='[&quot;a/run&quot;, &quot;b/run&quot;, &quot;train&quot;]'"), std::string::npos);
  for (const char* name : {"a/run", "b/run", "train"})
    EXPECT_NE(html.find(std::string("<tr data-run=\"") + name + "\""), std::string::npos) << name;
  EXPECT_NE(html.find("test top-1 94.10%"), std::string::npos);
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(html.find("document.body.dataset.ready = \"1\""), std::string::npos);
  EXPECT_EQ(external_references(html), std::vector<std::string>{}) << "the page must not load anything";
  EXPECT_EQ(html.find("<!DOCTYPE svg"), std::string::npos) << "SVG prologues are stripped";
  // One <figure data-plot> per plot, with its series' point counts.
  const std::regex figure("data-plot=\"([^\"]+)\" data-series='\\{([^']*)\\}'");
  int figures = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), figure); it != std::sregex_iterator(); ++it) {
    ++figures;
    if ((*it)[1] == "train_top1") {
      EXPECT_EQ((*it)[2].str(), "&quot;train/train_top1&quot;: 2, &quot;train/valid_top1&quot;: 2");
    }
  }
  EXPECT_EQ(figures, static_cast<int>(plots.size()));
  // The two runs' configs differ in seed and out only: one group, and a differences table.
  EXPECT_NE(html.find("*/run (mean of 2)"), std::string::npos);
  EXPECT_NE(html.find("class=\"config-differences\" data-command=\"search\""), std::string::npos);
  // Cell pictures: one slider per run and cell type, every epoch a data: image, the last one shown.
  EXPECT_NE(html.find("data-cell=\"reduce\""), std::string::npos);
  EXPECT_NE(html.find("<img class=\"frame\" data-epoch=\"3\" alt=\"b/run: reduce cell, epoch 3\" "
                      "src=\"data:image/svg+xml;base64,"),
            std::string::npos);
  EXPECT_NE(html.find("<img class=\"frame\" data-epoch=\"2\" hidden alt="), std::string::npos);
}

TEST(Report, InlineSvgDropsThePrologueAndPrefixesIds) {
  const std::string svg = "<?xml version='1.0'?>\n<!-- made by x -->\n<svg viewBox='0 0 1 1'>\n<defs>"
                          "<path id='gpPt1'/></defs><use xlink:href='#gpPt1'/><rect fill=\"url(#pat)\" id=\"r\"/></svg>";
  EXPECT_EQ(inline_svg(svg, "p"),
            "<svg viewBox='0 0 1 1'>\n<defs><path id='p-gpPt1'/></defs><use xlink:href='#p-gpPt1'/>"
            "<rect fill=\"url(#p-pat)\" id=\"p-r\"/></svg>");
  EXPECT_ERROR_WITH(inline_svg("<html></html>", "p"), "not an SVG");
  EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST(Report, MissingFilesAreSkippedAndAnEmptyFolderIsAnError) {
  TempDir dir;
  make_dirs(dir.file("partial"));
  write_text(dir.file("partial/metrics.csv"), "epoch,train_loss,valid_acc,new_column\n0,2.0,,7\n1,1.5,40,7\n");
  RunData run = read_run(dir.file("partial"));
  EXPECT_EQ(run.found, std::vector<std::string>{"metrics.csv"});
  EXPECT_EQ(run.command, "search");
  std::vector<RunData> runs{run};
  name_runs(runs);
  const std::vector<Plot> plots = build_plots(runs, group_runs(runs));
  EXPECT_EQ(plot_named(plots, "loss").series.size(), 1u);  // only train_loss is there
  EXPECT_EQ(plot_named(plots, "accuracy").series[0].x.size(), 2u);
  EXPECT_TRUE(std::isnan(plot_named(plots, "accuracy").series[0].y[0]));
  EXPECT_FALSE(has_plot(plots, "steps_loss"));
  EXPECT_FALSE(has_plot(plots, "lambda"));
  const std::string html = render_html(runs, group_runs(runs), plots, fake_svgs(plots), "t");
  EXPECT_NE(html.find("absent: run.json, config.toml, steps.csv"), std::string::npos);
  // A malformed alphas.jsonl line is a warning, not a failure.
  write_text(dir.file("partial/alphas.jsonl"), "{\"epoch\": 0, \"cell\": [[0.5, 0.5]]}\n{\"epoch\": 1, \"cell\": [[0.5,\n");
  run = read_run(dir.file("partial"));
  EXPECT_EQ(run.alphas.epochs.size(), 1u);
  EXPECT_EQ(run.warnings.size(), 1u);
  make_dirs(dir.file("empty"));
  write_text(dir.file("empty/notes.txt"), "hello");
  EXPECT_ERROR_WITH(read_run(dir.file("empty")), "empty: not a run folder", "metrics.csv", "--out folder");
  EXPECT_ERROR_WITH(read_run(dir.file("nowhere")), "nowhere: no such folder");
}

// α's layout comes from space.json alone (the report knows no search spaces): an older
// folder without it gets numbered edges and ops, and a warning that says how to name them.
TEST(Report, FoldersWithoutSpaceJsonNumberTheEdgesAndOps) {
  TempDir dir;
  make_dirs(dir.file("old"));
  write_text(dir.file("old/config.toml"), "space=\"nb201\"\nepochs=5\nregularizer=\"none\"\n");
  write_text(dir.file("old/alphas.jsonl"), "{\"epoch\": 0, \"cell\": [[0.1, 0.2, 0.3, 0.2, 0.2], [0.2, 0.2, 0.2, 0.2, 0.2]]}\n");
  std::vector<RunData> runs{read_run(dir.file("old"))};
  name_runs(runs);
  EXPECT_EQ(runs[0].command, "search");
  EXPECT_EQ(summarize(runs[0]).method, "DARTS (first order)");
  EXPECT_EQ(summarize(runs[0]).epochs, "0 of 5");
  EXPECT_EQ(summarize(runs[0]).where, "nb201");  // config.toml's space
  const std::vector<Plot> numbered = build_plots(runs, group_runs(runs));
  EXPECT_EQ(plot_named(numbered, "alpha-0-cell-1").title, "cell edge 1");
  ASSERT_EQ(plot_named(numbered, "alpha-0-cell-1").series.size(), 5u);
  EXPECT_EQ(plot_named(numbered, "alpha-0-cell-1").series[3].name, "op4");
  ReportOptions options;
  options.run_dirs = {dir.file("old")};
  if (gnuplot_available()) {
    const ReportResult result = write_report(options);
    ASSERT_EQ(result.warnings.size(), 1u);
    EXPECT_EQ(result.warnings[0].rfind("old: no space.json", 0), 0u) << result.warnings[0];
    EXPECT_NE(result.warnings[0].find("op1..opK"), std::string::npos) << result.warnings[0];
  }
  // A copy of the space.json of a search in that space (cut down to two edges) names them.
  write_text(dir.file("old/space.json"),
             "{\"space\": \"nb201\", \"cell_types\": [{\"name\": \"cell\", \"edges\": ["
             "{\"from\": 0, \"to\": 1, \"ops\": [\"none\", \"skip_connect\", \"nor_conv_1x1\", \"nor_conv_3x3\", "
             "\"avg_pool_3x3\"]}, {\"from\": 0, \"to\": 2, \"ops\": [\"none\", \"skip_connect\", \"nor_conv_1x1\", "
             "\"nor_conv_3x3\", \"avg_pool_3x3\"]}]}]}\n");
  runs = {read_run(dir.file("old"))};
  name_runs(runs);
  const std::vector<Plot> named = build_plots(runs, group_runs(runs));
  const Plot& strip = plot_named(named, "alpha-0-cell-1");
  EXPECT_EQ(strip.title, "cell 0→2");
  ASSERT_EQ(strip.series.size(), 5u);
  EXPECT_EQ(strip.series[3].name, "nor_conv_3x3");
  if (gnuplot_available()) {
    EXPECT_EQ(write_report(options).warnings, std::vector<std::string>{});
  }
}

TEST(Report, GnuplotDrawsEveryPlotIntoAnOfflinePage) {
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot not installed (apt-get install gnuplot-nox)";
  TempDir dir;
  write_search_run(dir.file("seed1"), 1, {1.0, 2.0, 3.0});
  write_search_run(dir.file("seed2"), 2, {2.0, 2.0, 5.0});
  write_train_run(dir.file("train"));
  ReportOptions options;
  options.run_dirs = {dir.file("seed1"), dir.file("seed2"), dir.file("train")};
  options.out = dir.file("out/page.html");
  const ReportResult result = write_report(options);
  EXPECT_EQ(result.path, dir.file("out/page.html"));
  const std::string html = test::read_text(result.path);
  size_t figures = 0, svgs = 0;
  for (size_t at = html.find("<figure"); at != std::string::npos; at = html.find("<figure", at + 1)) ++figures;
  for (size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) ++svgs;
  EXPECT_EQ(figures, result.plots);
  EXPECT_GT(figures, 20u);
  EXPECT_EQ(svgs, figures) << "every plot inline; the cell pictures are <img>";
  EXPECT_EQ(count_case_insensitive(html, "<img class=\"frame\" "), 12u) << "the 6 cell pictures of each search run";
  EXPECT_EQ(external_references(html), std::vector<std::string>{});
  EXPECT_EQ(html.find("<?xml"), std::string::npos);
  size_t scripts = 0;
  for (size_t at = html.find("<script"); at != std::string::npos; at = html.find("<script", at + 1)) ++scripts;
  EXPECT_EQ(scripts, 2u) << "only the page's own two scripts (gnuplot's SVG has none)";
  // The group's band is drawn in the loss plot (a translucent polygon), not in the train run's.
  const size_t loss = html.find("data-plot=\"loss\""), accuracy = html.find("data-plot=\"accuracy\"");
  ASSERT_LT(loss, accuracy);
  EXPECT_NE(html.substr(loss, accuracy - loss).find("fill-opacity = '0.2"), std::string::npos);
  const size_t train = html.find("data-plot=\"train_loss\"");
  EXPECT_EQ(html.substr(train, html.find("</figure>", train) - train).find("fill-opacity"), std::string::npos);
}
