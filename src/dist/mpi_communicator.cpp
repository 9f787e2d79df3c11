// CPU tensors reduced with MPI: each call flattens its tensors into one
// contiguous buffer per dtype (bucketing), so a step makes few collectives.
// The NCCL communicator (nccl_communicator.cpp) bootstraps over the same MPI.
#include <mpi.h>

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include "ldarts/core/error.h"
#include "ldarts/dist/communicator.h"
#include "buckets.h"

namespace ldarts {
namespace {

MPI_Datatype mpi_type(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return MPI_FLOAT;
    case at::kDouble: return MPI_DOUBLE;
    case at::kLong: return MPI_INT64_T;
    case at::kByte: return MPI_UINT8_T;
    default: fail("MPI communicator: unsupported tensor type ", c10::toString(t));
  }
}

class MpiCommunicator final : public Communicator {
 public:
  MpiCommunicator() {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &world_);
  }
  int rank() const override { return rank_; }
  int world_size() const override { return world_; }

  void all_reduce_mean(std::vector<at::Tensor>& tensors) override {
    check_cpu(tensors);
    for_each_bucket(tensors, at::kCPU, [&](at::Tensor& flat) {
      LDARTS_CHECK(at::isFloatingType(flat.scalar_type()), "all_reduce_mean needs floating-point tensors");
      MPI_Allreduce(MPI_IN_PLACE, flat.data_ptr(), static_cast<int>(flat.numel()), mpi_type(flat.scalar_type()),
                    MPI_SUM, MPI_COMM_WORLD);
      flat.div_(world_);
    });
  }

  void broadcast(std::vector<at::Tensor>& tensors, int root) override {
    check_cpu(tensors);
    for_each_bucket(tensors, at::kCPU, [&](at::Tensor& flat) {
      MPI_Bcast(flat.data_ptr(), static_cast<int>(flat.numel()), mpi_type(flat.scalar_type()), root, MPI_COMM_WORLD);
    });
  }

  void barrier() override { MPI_Barrier(MPI_COMM_WORLD); }

 private:
  static void check_cpu(const std::vector<at::Tensor>& tensors) {
    for (const auto& t : tensors)
      LDARTS_CHECK(t.device().is_cpu(), "the MPI communicator reduces CPU tensors; use --backend nccl for CUDA");
  }

 private:
  int rank_ = 0, world_ = 1;
};

}  // namespace

std::unique_ptr<Communicator> make_mpi_communicator() { return std::make_unique<MpiCommunicator>(); }

}  // namespace ldarts
