// A Communicator that forwards to another and counts what passes through it:
// seconds spent in collectives and bytes reduced (for the scaling benchmark).
#pragma once

#include "ldarts/dist/communicator.h"

namespace ldarts {

class CountingCommunicator final : public Communicator {
 public:
  explicit CountingCommunicator(Communicator& inner) : inner_(inner) {}
  int rank() const override { return inner_.rank(); }
  int world_size() const override { return inner_.world_size(); }
  void all_reduce_mean(std::vector<at::Tensor>& tensors) override;
  void broadcast(std::vector<at::Tensor>& tensors, int root) override;
  void barrier() override;

  double seconds = 0;     // in all collectives
  int64_t reduced_bytes = 0;  // payload of all_reduce_mean
  int64_t broadcast_bytes = 0;
  int64_t calls = 0;
  void reset() { seconds = 0, reduced_bytes = broadcast_bytes = calls = 0; }

 private:
  Communicator& inner_;
};

}  // namespace ldarts
