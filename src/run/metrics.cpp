#include "ldarts/run/metrics.h"

#include <cmath>
#include <cstdio>

#include "ldarts/core/error.h"
#include "ldarts/run/epoch_loop.h"

namespace ldarts {

void MetricSchema::declare(Metric metric) {
  LDARTS_CHECK(!metric.name.empty() && !declared(metric.every, metric.name) &&
                   (metric.name.back() != '/' || metric.csv.empty()),
               "metric '", metric.name, "' is declared twice (or is a family with a CSV column)");
  LDARTS_CHECK(metric.from_steps.empty() || metric.every == Every::epoch, "metric '", metric.name,
               "': only epoch metrics come from the steps");
  metrics_.push_back(std::move(metric));
}

void MetricSchema::declare(const std::vector<Metric>& metrics) {
  for (const Metric& m : metrics) declare(m);
}

bool MetricSchema::declared(Every every, const std::string& name) const {
  for (const Metric& m : metrics_) {
    if (m.every != every) continue;
    if (m.name == name) return true;
    if (m.name.back() == '/' && name.rfind(m.name, 0) == 0) return true;
  }
  return false;
}

std::vector<std::string> MetricSchema::columns(const std::string& csv) const {
  std::vector<std::string> out;
  for (const Metric& m : metrics_) {
    if (m.csv != csv) continue;
    if (out.empty()) {
      out.push_back("epoch");
      if (m.every == Every::step) out.push_back("step");
    }
    out.push_back(m.name);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> MetricSchema::formats(const std::string& csv) const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Metric& m : metrics_)
    if (m.csv == csv && !m.format.empty()) out.emplace_back(m.name, m.format);
  return out;
}

void MetricSchema::check(Every every, const Scalars& scalars, const Texts& texts, const std::string& who) const {
  auto check_one = [&](const std::string& name) {
    LDARTS_CHECK(declared(every, name), who, " gave the ", every == Every::step ? "step" : "epoch", " value '", name,
                 "', which no producer declared (declare it in the metric schema: run/metrics.h)");
  };
  for (const auto& [name, value] : scalars) check_one(name);
  for (const auto& [name, value] : texts) check_one(name);
}

Scalars MetricSchema::epoch_means(const EpochMeans& means) const {
  Scalars out;
  for (const Metric& m : metrics_) {
    if (m.every != Every::epoch || m.from_steps.empty()) continue;
    const std::string over = "mean_over:";
    if (m.from_steps.rfind(over, 0) == 0)
      out.emplace_back(m.name, means.mean_over(m.name, m.from_steps.substr(over.size())));
    else
      out.emplace_back(m.name, means.mean(m.name));
  }
  return out;
}

std::string MetricSchema::console(Every every, const EpochMeans& means, const Scalars& scalars) const {
  std::string out;
  char buf[128];
  for (const Metric& m : metrics_) {
    if (m.every != every || m.console.empty()) continue;
    const double value = every == Every::step ? means.mean(m.name) : find_scalar(scalars, m.name);
    std::snprintf(buf, sizeof buf, m.console_format.c_str(), value);
    out += (out.empty() ? "" : " ") + m.console + " " + buf;
  }
  return out;
}

}  // namespace ldarts
