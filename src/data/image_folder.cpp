#include "ldarts/data/image_folder.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/core/rng.h"

namespace ldarts {
namespace {

bool is_jpeg_name(const std::string& name) {
  const size_t dot = name.rfind('.');
  if (dot == std::string::npos) return false;
  std::string ext = name.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == "jpg" || ext == "jpeg";
}

}  // namespace

FileImageSet scan_image_folder(const std::string& root) {
  LDARTS_CHECK(is_directory(root), "image folder ", root, " does not exist (expected <root>/<class>/*.JPEG; for "
               "ImageNet --data-dir is the folder holding train/ and val/)");
  FileImageSet set;
  set.root = root;
  set.classes = list_dir(root, /*folders=*/true);
  LDARTS_CHECK(!set.classes.empty(), root, ": no class folders (expected <root>/<class>/*.JPEG)");
  for (size_t c = 0; c < set.classes.size(); ++c) {
    size_t found = 0;
    for (const std::string& name : list_dir(root + "/" + set.classes[c], /*folders=*/false)) {
      if (!is_jpeg_name(name)) continue;
      set.files.push_back(set.classes[c] + "/" + name);
      set.labels.push_back(static_cast<int64_t>(c));
      ++found;
    }
    LDARTS_CHECK(found > 0, root, "/", set.classes[c], ": empty class folder (no .jpg / .jpeg files)");
  }
  return set;
}

ClassSubsets per_class_subsets(const std::vector<int64_t>& labels, int64_t num_classes, double first, double second,
                               uint64_t seed) {
  LDARTS_CHECK(first > 0 && second >= 0 && first + second <= 1, "per-class fractions ", first, " and ", second,
               " must be positive and sum to at most 1");
  std::vector<std::vector<int64_t>> by_class(num_classes);
  for (size_t i = 0; i < labels.size(); ++i) {
    LDARTS_CHECK(labels[i] >= 0 && labels[i] < num_classes, "label ", labels[i], " out of range 0..", num_classes - 1);
    by_class[labels[i]].push_back(static_cast<int64_t>(i));
  }
  ClassSubsets out;
  for (int64_t c = 0; c < num_classes; ++c) {
    const auto& members = by_class[c];
    const int64_t n = static_cast<int64_t>(members.size());
    if (n == 0) continue;
    Rng rng(derive_seed(seed, {static_cast<uint64_t>(c)}));
    const std::vector<int64_t> order = permutation(n, rng);
    const int64_t a = std::min(n, std::max<int64_t>(1, std::llround(first * n)));
    const int64_t b = second > 0 ? std::min(n - a, std::max<int64_t>(1, std::llround(second * n))) : 0;
    for (int64_t k = 0; k < a; ++k) out.first.push_back(members[order[k]]);
    for (int64_t k = a; k < a + b; ++k) out.second.push_back(members[order[k]]);
  }
  std::sort(out.first.begin(), out.first.end());
  std::sort(out.second.begin(), out.second.end());
  return out;
}

void write_manifest(const std::string& path, const FileImageSet& set, const ClassSubsets& s,
                    const std::string& run_id) {
  std::ostringstream out;
  out << "# ldarts subset manifest 1: root " << set.root << ", " << s.first.size() << " images for w, "
      << s.second.size() << " for alpha\n# run " << run_id << "\n";
  for (int64_t i : s.first) out << "w " << set.files[i] << "\n";
  for (int64_t i : s.second) out << "a " << set.files[i] << "\n";
  write_file_atomically(path, out.str());
}

ClassSubsets read_manifest(const std::string& path, const FileImageSet& set, const std::string& run_id) {
  std::ifstream in(path);
  LDARTS_CHECK(in, "cannot read the subset manifest ", path);
  std::unordered_map<std::string, int64_t> index;
  for (int64_t i = 0; i < set.size(); ++i) index[set.files[i]] = i;
  ClassSubsets s;
  std::string line;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    if (line.rfind("# run ", 0) == 0) {
      LDARTS_CHECK(line.substr(6) == run_id, path, ": drawn by run ", line.substr(6), ", not by this folder's run ",
                   run_id, " (a manifest of another run is never reused: remove it, or start in another --out)");
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    LDARTS_CHECK(line.size() > 2 && (line[0] == 'w' || line[0] == 'a') && line[1] == ' ', path, ":", number,
                 ": expected 'w <file>' or 'a <file>'");
    const auto it = index.find(line.substr(2));
    LDARTS_CHECK(it != index.end(), path, ":", number, ": ", line.substr(2), " is not in ", set.root,
                 " (the data folder changed since the manifest was written)");
    (line[0] == 'w' ? s.first : s.second).push_back(it->second);
  }
  return s;
}

}  // namespace ldarts
