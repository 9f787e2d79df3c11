// TensorBoard event files of a run (see include/ldarts/io/event_file.h).
#include <chrono>

#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/io/checkpoint.h"
#include "ldarts/io/event_file.h"
#include "ldarts/run/observers.h"

namespace ldarts {
namespace {

double wall_time() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool is_event_file(const std::string& name) {
  return name.rfind("events.out.tfevents.", 0) == 0 && name.size() > 7 && name.compare(name.size() - 7, 7, ".ldarts") == 0;
}

class TensorBoardObserver : public RunObserver {
 public:
  explicit TensorBoardObserver(const RunFolder& folder) : folder_(folder) {}

  void start(const Checkpoint* resumed) override {
    if (!folder_.root()) return;
    if (resumed && resumed->strings.count("logs/tensorboard_file")) {
      // A name in the run folder, never a path: "../x" would truncate a file outside it.
      const std::string& name = resumed->string("logs/tensorboard_file");
      LDARTS_CHECK(is_event_file(name) && name.find('/') == std::string::npos, resumed->source,
                   ": logs/tensorboard_file '", name, "' is not an event file name of this run folder "
                   "(events.out.tfevents.*.ldarts; a damaged or crafted checkpoint)");
      writer_ = EventWriter::resume(folder_.file(name),
                                    uint64_t(resumed->integer("logs/tensorboard_bytes")), wall_time());
      return;
    }
    // A new run replaces the folder's logs, as it does metrics.csv.
    for (const std::string& name : list_dir(folder_.path(), false))
      if (is_event_file(name)) remove_tree(folder_.file(name));
    writer_ = EventWriter::create(folder_.path(), wall_time());
  }

  void on_step(StepEvent& e) override { write("step/", e.global_step, e.scalars); }
  void on_epoch(EpochEvent& e) override { write("epoch/", e.epoch + 1, e.scalars); }

  void save(Checkpoint& c) const override {
    if (!folder_.root()) return;
    const std::string& path = writer_.path();
    c.strings["logs/tensorboard_file"] = path.substr(path.rfind('/') + 1);
    c.integers["logs/tensorboard_bytes"] = int64_t(writer_.bytes());
  }

 private:
  void write(const std::string& prefix, int64_t step, const Scalars& scalars) {
    if (!folder_.root()) return;
    const double now = wall_time();
    for (const auto& [name, value] : scalars)
      writer_.scalar(name.find('/') == std::string::npos ? prefix + name : name, step, value, now);
    writer_.flush();
  }

  const RunFolder& folder_;
  EventWriter writer_;
};

}  // namespace

std::unique_ptr<RunObserver> tensorboard_observer(const RunFolder& folder) {
  return std::make_unique<TensorBoardObserver>(folder);
}

}  // namespace ldarts
