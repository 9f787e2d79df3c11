// CSV files of a run: steps.csv, metrics.csv, diagnostics.csv.
#include <cmath>
#include <cstdio>

#include "ldarts/io/checkpoint.h"
#include "ldarts/io/csv_log.h"
#include "ldarts/run/metrics.h"
#include "ldarts/run/observers.h"

namespace ldarts {
namespace {

class CsvObserver : public RunObserver {
 public:
  CsvObserver(const RunFolder& folder, const std::string& file, const MetricSchema& schema)
      : folder_(folder), file_(file), key_("logs/" + file.substr(0, file.rfind(".csv"))), schema_(schema) {}

  // The columns are the schema's when the loop starts: every producer has declared its metrics.
  void start(const Checkpoint* resumed) override {
    columns_ = schema_.columns(file_);
    for (const auto& [name, format] : schema_.formats(file_)) formats_[name] = format;
    for (const Metric& m : schema_.metrics())
      if (m.csv == file_) every_ = m.every;
    if (!folder_.root()) return;
    const bool kept = resumed && resumed->strings.count(key_);
    log_ = CsvLog(folder_.file(file_), columns_, kept ? resumed->string(key_) : "");
  }

  void on_step(StepEvent& e) override {
    if (every_ == Every::step) write(e.epoch, e.step, e.global_step, e.scalars, {});
  }
  void on_epoch(EpochEvent& e) override {
    if (every_ == Every::epoch) write(e.epoch, 0, 0, e.scalars, e.texts);
  }
  void save(Checkpoint& c) const override {
    if (folder_.root()) c.strings[key_] = log_.contents();
  }

 private:
  void write(int epoch, int64_t step, int64_t global_step, const Scalars& scalars, const Texts& texts) {
    if (!folder_.root()) return;
    std::vector<std::string> fields;
    bool any = false;
    for (const std::string& column : columns_) {
      if (column == "epoch" || column == "step" || column == "global_step") {
        fields.push_back(std::to_string(column == "epoch" ? epoch : column == "step" ? step : global_step));
        continue;
      }
      if (const std::string* text = find_text(texts, column)) {
        any = true;
        fields.push_back(text->find(',') == std::string::npos ? *text : "\"" + *text + "\"");
        continue;
      }
      const double value = find_scalar(scalars, column);
      any = any || !std::isnan(value);
      const auto format = formats_.find(column);
      if (format == formats_.end() || std::isnan(value)) {
        fields.push_back(format_number(value));
      } else {
        char buf[64];
        std::snprintf(buf, sizeof buf, format->second.c_str(), value);
        fields.push_back(buf);
      }
    }
    if (any) log_.row_fields(fields);
  }

  const RunFolder& folder_;
  std::string file_, key_;
  const MetricSchema& schema_;
  std::vector<std::string> columns_;
  Every every_ = Every::epoch;
  std::map<std::string, std::string> formats_;
  CsvLog log_;
};

}  // namespace

std::unique_ptr<RunObserver> csv_observer(const RunFolder& folder, const std::string& file,
                                          const MetricSchema& schema) {
  return std::make_unique<CsvObserver>(folder, file, schema);
}

}  // namespace ldarts
