#include "ldarts/dist/counting_communicator.h"

#include <chrono>

#include <ATen/ATen.h>

namespace ldarts {
namespace {

int64_t payload(const std::vector<at::Tensor>& tensors) {
  int64_t bytes = 0;
  for (const auto& t : tensors) bytes += t.numel() * static_cast<int64_t>(t.element_size());
  return bytes;
}

template <typename F>
double timed(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

void CountingCommunicator::all_reduce_mean(std::vector<at::Tensor>& tensors) {
  reduced_bytes += payload(tensors);
  ++calls;
  seconds += timed([&] { inner_.all_reduce_mean(tensors); });
}

void CountingCommunicator::broadcast(std::vector<at::Tensor>& tensors, int root) {
  broadcast_bytes += payload(tensors);
  ++calls;
  seconds += timed([&] { inner_.broadcast(tensors, root); });
}

void CountingCommunicator::barrier() {
  ++calls;
  seconds += timed([&] { inner_.barrier(); });
}

}  // namespace ldarts
