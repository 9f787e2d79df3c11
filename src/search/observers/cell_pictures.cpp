#include <cstdio>

#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/io/graphviz.h"
#include "ldarts/run/driver.h"
#include "ldarts/search/observers.h"

namespace ldarts {
namespace {

class CellPictures : public RunObserver {
 public:
  explicit CellPictures(const RunFolder& folder) : folder_(folder) {}

  void on_epoch(EpochEvent& e) override {
    if (!folder_.root()) return;
    const std::string prefix = "picture/";
    char name[32];
    std::snprintf(name, sizeof name, "epoch-%03d-", e.epoch + 1);
    for (const auto& [key, dot] : e.texts) {
      if (key.rfind(prefix, 0) != 0) continue;
      const std::string cell = key.substr(prefix.size());
      make_dirs(folder_.file("cells"));
      std::vector<std::pair<std::string, std::string>> files{{"dot", dot}};
      try {
        if (graphviz_available()) files.push_back({"svg", render_dot(dot, "svg")}), files.push_back({"png", render_dot(dot, "png")});
      } catch (const Error& error) {
        if (!warned_) std::fprintf(stderr, "warning: %s; only .dot pictures are written\n", error.what());
        warned_ = true;
      }
      for (const auto& [ext, data] : files) {
        folder_.write("cells/" + std::string(name) + cell + "." + ext, data);
        folder_.write(cell + "." + ext, data);
      }
    }
  }

 private:
  const RunFolder& folder_;
  bool warned_ = false;
};

}  // namespace

// Every search draws its cells; the observer needs nothing of the search but the epoch's "picture/<cell>" texts.
LDARTS_REGISTER_OBSERVER({"cell-pictures", "search",
                          [](const RunContext& run) { return std::make_unique<CellPictures>(run.folder); }})

}  // namespace ldarts
