// The only view of distribution that the rest of ldarts has (docs/method.md §8): a handful
// of collectives on tensors. The single-process implementation is real code,
// not a stub: with one rank every collective is the identity.
#pragma once

#include <memory>
#include <vector>

#include <ATen/core/Tensor.h>

namespace ldarts {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int world_size() const = 0;
  // Replaces each tensor by its mean over ranks (one flattened buffer per call).
  virtual void all_reduce_mean(std::vector<at::Tensor>& tensors) = 0;
  // Copies root's tensors into every rank's.
  virtual void broadcast(std::vector<at::Tensor>& tensors, int root) = 0;
  virtual void barrier() = 0;
  bool is_root() const { return rank() == 0; }
};

class LocalCommunicator final : public Communicator {
 public:
  int rank() const override { return 0; }
  int world_size() const override { return 1; }
  void all_reduce_mean(std::vector<at::Tensor>&) override {}
  void broadcast(std::vector<at::Tensor>&, int) override {}
  void barrier() override {}
};

}  // namespace ldarts
