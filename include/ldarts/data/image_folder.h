// Data sets of image files in class folders, decoded on demand: ImageNet as
// published (train/<wnid>/*.JPEG, val/<wnid>/*.JPEG) and any folder of JPEGs
// (<root>/<class>/*.jpg). Classes are the subfolders sorted by name; files are
// sorted within a class. Per-class subsets (the ImageNet search reads 10% /
// 2.5% of each class) are drawn with a fixed seed and kept in a manifest.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ldarts {

struct FileImageSet {
  std::string root;
  std::vector<std::string> classes;  // folder names, sorted
  std::vector<std::string> files;    // paths relative to root: <class>/<file>
  std::vector<int64_t> labels;
  int64_t size() const { return static_cast<int64_t>(files.size()); }
};

// Scans root/<class>/ for files with a JPEG extension (.jpg, .jpeg, any case).
// Errors: missing folder, no class folders, an empty class folder.
FileImageSet scan_image_folder(const std::string& root);

// Two disjoint per-class draws: round(first·n_c) and round(second·n_c) images of
// every class c (at least one each while the class has images), by a
// permutation seeded with (seed, c). Indices ascending.
struct ClassSubsets {
  std::vector<int64_t> first, second;
};
ClassSubsets per_class_subsets(const std::vector<int64_t>& labels, int64_t num_classes, double first, double second,
                               uint64_t seed);

// A manifest lists the files of both parts ("w <file>" / "a <file>" lines);
// reading one back maps the names to indices of `set` and fails on a name the
// set does not have, so every rank and every restart uses exactly these images.
// The manifest names the run that drew it ("# run <id>"); reading it for another
// run is an Error (a manifest of another seed or fraction is never reused).
void write_manifest(const std::string& path, const FileImageSet& set, const ClassSubsets& subsets,
                    const std::string& run_id);
ClassSubsets read_manifest(const std::string& path, const FileImageSet& set, const std::string& run_id);

}  // namespace ldarts
