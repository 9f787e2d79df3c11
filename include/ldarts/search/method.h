// Search methods: what a variant of DARTS changes in one bilevel step
// (docs/methods.md). The Searcher keeps the loop, the Λ regularizer, clipping, SGD
// and Adam; a method decides how the α gradient is formed (first order,
// unrolled) and which cell weights the ω pass sees. Adding one is one file:
// the method's class, its settings and one LDARTS_REGISTER_METHOD line
// (src/search/methods/, or a test's file: tests/unit/test_method_plugin.cpp).
#pragma once

#include <any>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "ldarts/core/registry.h"

#include "ldarts/search/options.h"

namespace ldarts {

struct Batch;
struct Checkpoint;
struct SearchResult;
struct SearchSpace;
struct StepStats;
class Communicator;
class SearchNetworkImpl;

// Per-step inputs from the schedules.
struct StepSchedule {
  double lr = 0;      // ω learning rate
  double lambda = 0;  // λ_t
  bool update_alpha = true;  // false while α is frozen (--arch-start-epoch)
  int epoch = 0, epochs = 1;  // where the run is (the methods' schedules, e.g. SDARTS' ε)
};

// The α side of one pass over a batch: ∂L/∂P of every cell's copy of softmax(α),
// [cells, edges·ops], the PC-DARTS β gradients, both averaged over the global
// batch (micro-batches and ranks); this rank's loss and top-1 sums (0-dim).
struct CellGradients {
  at::Tensor cells;
  std::vector<at::Tensor> betas;
  at::Tensor loss_sum, acc_sum;  // sums over this rank's micro-batches
};

// The passes of a step as a method combines them. Micro-batching and the
// all-reduce are inside: every gradient is the global batch's mean.
class Passes {
 public:
  virtual ~Passes() = default;
  // One leaf copy of softmax(α) per cell, each requiring grad.
  virtual std::vector<at::Tensor> cell_copies() = 0;
  // ∂L/∂P and ∂L/∂β on `batch` at the current ω; with weight_grads, also ∇ω L
  // from the same pass (global mean, in the order of weights()).
  virtual CellGradients cell_gradients(const Batch& batch, const std::vector<at::Tensor>& cell_weights,
                               std::vector<at::Tensor>* weight_grads = nullptr) = 0;
  // ∇ω L(batch) at the current ω and these cell weights, in the order of weights().
  virtual std::vector<at::Tensor> weight_grads(const Batch& batch, const std::vector<at::Tensor>& cell_weights) = 0;
  // ω: a method may move it under NoGradGuard and must put it back.
  virtual std::vector<at::Tensor> weights() = 0;
  // The ω SGD momentum buffers, undefined before the first ω step.
  virtual std::vector<at::Tensor> momentum_buffers() = 0;
  // BN running statistics (extra passes change them; a method may restore them).
  virtual std::vector<at::Tensor> buffers() = 0;
  // softmax(α) of each cell type, [edges, ops], without grad; the type of each cell.
  virtual std::vector<at::Tensor> type_probabilities() = 0;
  virtual std::vector<int> cell_types() = 0;
  // The mean loss of the global batch at these cell weights, without gradients.
  virtual double mean_loss(const Batch& batch, const std::vector<at::Tensor>& cell_weights) = 0;
  // Training or evaluation mode of the network (SDARTS-ADV attacks in eval mode).
  virtual void train_mode(bool on) = 0;
  virtual int64_t steps_done() const = 0;
};

// What α's gradient holds when the NB201 codebases clip network.parameters()
// before their ω step (--clip-with-alpha): the gradient of the last α step,
// never zeroed before the ω pass (DARTS-V1/V2, PC-DARTS), plus ∂L_train/∂α of
// the ω pass; or only ∂L_train/∂P, because the loop zeroed α's gradient and
// put softmax(α) (perturbed) in α's place for the ω pass (SmoothDARTS, β-DARTS).
enum class AlphaAtClip { last_step_plus_alpha_space, weight_pass_p_space };

class SearchMethod {
 public:
  virtual ~SearchMethod() = default;
  // The --method word it was registered under (set by make_method).
  const std::string& name() const { return name_; }
  virtual AlphaAtClip alpha_at_clip() const { return AlphaAtClip::last_step_plus_alpha_space; }
  // The gradients of the α update. First order: cell_gradients(valid, cell_copies()).
  // cell_grads_valid receives ∂L_val/∂P (the diagnostics' and Λ_valid's gradient).
  virtual CellGradients alpha_gradient(Passes& passes, const Batch& valid, const Batch& train, const StepSchedule& schedule,
                                  at::Tensor& cell_grads_valid);
  // The cell weights of the ω pass, one [edges, ops] value per cell, without
  // grad (SDARTS perturbs softmax(α) here); {} = the softmax(α) copies.
  virtual std::vector<at::Tensor> weight_pass_weights(Passes&, const Batch& /*train*/, const StepSchedule&) {
    return {};
  }
  // The cell weights the supernet is evaluated with (values); {} = softmax(α).
  virtual std::vector<at::Tensor> eval_weights(Passes&, const StepSchedule&) { return {}; }
  // Adds to α.grad (set from the α pass) what the method regularizes α with
  // (β-DARTS' Beta-Decay); one α per cell type.
  virtual void add_alpha_gradient(std::vector<at::Tensor>& /*alphas*/, const StepSchedule&) {}
  // Once per epoch, before its first step (P-DARTS: the epoch's skip-dropout rate).
  virtual void begin_epoch(SearchNetworkImpl& /*network*/, int /*epoch*/, int /*epochs*/) {}
  // State a resume needs (none for the stateless methods).
  virtual void save(Checkpoint&) const {}
  virtual void load(const Checkpoint&) {}

 private:
  friend std::unique_ptr<SearchMethod> make_method(const SearchOptions&, const SearchSpace&);
  std::string name_;
};

// ---- the registry of methods -------------------------------------------------

// Where a method declares its own options: each is a flag --<name> of `ldarts
// search` and a key of its TOML files, bound to a field of the method's
// settings. cli/search.cpp gives CLI11's implementation; set_method_option()
// another (tests, the reference step).
class OptionSink {
 public:
  virtual ~OptionSink() = default;
  virtual void add(const std::string& name, double& value, const std::string& help) = 0;
  virtual void add(const std::string& name, int& value, const std::string& help) = 0;
  virtual void add(const std::string& name, bool& value, const std::string& help) = 0;
  virtual void add(const std::string& name, std::vector<int64_t>& values, const std::string& help) = 0;
  virtual void add(const std::string& name, std::vector<double>& values, const std::string& help) = 0;
};

// The whole search of a method that is more than a step (P-DARTS' stages);
// `search` runs one ordinary search in a space (run_search_in).
using RunWrapper = std::function<SearchResult(const SearchOptions&, const std::string& resolved_config, Communicator&)>;

struct MethodInfo {
  std::string name;     // the --method word
  std::string summary;  // one line for --help and docs
  std::function<std::unique_ptr<SearchMethod>(const SearchOptions&, const SearchSpace&)> make;
  // The method's settings (any copyable struct) with their defaults, and its options bound to them.
  std::any settings;
  std::function<void(OptionSink&, std::any& settings)> options;
  // A small, quick set-up of one step for `ldarts bench` and the tests (e.g. PC-DARTS' K = 4).
  std::function<void(SearchOptions&)> test_sized;
  RunWrapper run;  // empty: an ordinary search
  int order = 100;  // place in --help and `bench all-methods` (then by name)
  bool darts_spaces_only = false;  // needs a DARTS-family space (P-DARTS grows DARTS networks)
};

// Called by LDARTS_REGISTER_METHOD; a second method of the same name is an error at start-up.
bool register_method(MethodInfo info);
// Every registered method, in `order`; the one of `name` (a user error naming --method for
// anything else).
std::vector<const MethodInfo*> registered_methods();
const MethodInfo& find_method(const std::string& name);
std::vector<std::string> method_names();

// The method's settings of these options, as its file declared them.
template <class Settings>
const Settings& method_settings(const SearchOptions& options, const std::string& method) {
  return std::any_cast<const Settings&>(options.method_settings.at(method));
}
template <class Settings>
Settings& method_settings(SearchOptions& options, const std::string& method) {
  return std::any_cast<Settings&>(options.method_settings.at(method));
}
// Every method's settings at their defaults (SearchOptions' constructor).
std::map<std::string, std::any> default_method_settings();
// Sets the option --<name> of whichever method declared it from its text ("0.5", "0 6 12",
// "true"), as the command line would; an unknown name is an error.
void set_method_option(SearchOptions& options, const std::string& name, const std::string& value);
void set_method_option(SearchOptions& options, const std::string& name, double value);

// The method of --method, checked against the other options (a user error
// names the combination that makes no sense).
std::unique_ptr<SearchMethod> make_method(const SearchOptions& options, const SearchSpace& space);

}  // namespace ldarts

// One line in a method's file registers it: LDARTS_REGISTER_METHOD({"name", ...MethodInfo}).
#define LDARTS_REGISTER_METHOD(...) LDARTS_REGISTER(::ldarts::register_method(__VA_ARGS__))
