// CUDA tensors reduced with NCCL, one GPU per rank (chosen by the node-local
// rank), the NCCL unique id broadcast over MPI. Compiled when the LibTorch in
// use has CUDA and nccl.h is found (LDARTS_HAVE_NCCL); otherwise asking for it
// is a clear error.
#include <memory>

#include "ldarts/core/error.h"
#include "ldarts/dist/communicator.h"

#ifdef LDARTS_HAVE_NCCL
#include <ATen/ATen.h>
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAFunctions.h>
#include <mpi.h>
#include <nccl.h>

#include "buckets.h"

namespace ldarts {
namespace {

#define LDARTS_NCCL(call)                                                                        \
  do {                                                                                          \
    const ncclResult_t result = (call);                                                         \
    LDARTS_CHECK(result == ncclSuccess, "NCCL: ", #call, " failed: ", ncclGetErrorString(result)); \
  } while (0)

ncclDataType_t nccl_type(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return ncclFloat32;
    case at::kDouble: return ncclFloat64;
    case at::kHalf: return ncclFloat16;
    case at::kBFloat16: return ncclBfloat16;
    case at::kLong: return ncclInt64;
    case at::kByte: return ncclUint8;
    default: fail("NCCL communicator: unsupported tensor type ", c10::toString(t));
  }
}

class NcclCommunicator final : public Communicator {
 public:
  explicit NcclCommunicator(int local_rank) {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &world_);
    const int devices = c10::cuda::device_count();
    LDARTS_CHECK(devices > 0, "rank ", rank_, ": --backend nccl but no CUDA device is visible");
    device_ = at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(local_rank % devices));
    c10::cuda::set_device(device_.index());
    ncclUniqueId id;
    if (rank_ == 0) LDARTS_NCCL(ncclGetUniqueId(&id));
    MPI_Bcast(&id, sizeof id, MPI_BYTE, 0, MPI_COMM_WORLD);
    LDARTS_NCCL(ncclCommInitRank(&comm_, world_, id, rank_));
  }
  ~NcclCommunicator() override { ncclCommDestroy(comm_); }

  int rank() const override { return rank_; }
  int world_size() const override { return world_; }

  void all_reduce_mean(std::vector<at::Tensor>& tensors) override {
    for_each_bucket(tensors, device_, [&](at::Tensor& flat) {
      LDARTS_NCCL(ncclAllReduce(flat.data_ptr(), flat.data_ptr(), flat.numel(), nccl_type(flat.scalar_type()), ncclAvg,
                                comm_, at::cuda::getCurrentCUDAStream(device_.index()).stream()));
    });
  }

  void broadcast(std::vector<at::Tensor>& tensors, int root) override {
    for_each_bucket(tensors, device_, [&](at::Tensor& flat) {
      LDARTS_NCCL(ncclBroadcast(flat.data_ptr(), flat.data_ptr(), flat.numel(), nccl_type(flat.scalar_type()), root,
                                comm_, at::cuda::getCurrentCUDAStream(device_.index()).stream()));
    });
  }

  void barrier() override {
    at::cuda::getCurrentCUDAStream(device_.index()).synchronize();
    MPI_Barrier(MPI_COMM_WORLD);
  }

 private:
  int rank_ = 0, world_ = 1;
  at::Device device_{at::kCUDA, 0};
  ncclComm_t comm_ = nullptr;
};

}  // namespace

std::unique_ptr<Communicator> make_nccl_communicator(int local_rank) {
  return std::make_unique<NcclCommunicator>(local_rank);
}

}  // namespace ldarts

#else

namespace ldarts {
std::unique_ptr<Communicator> make_nccl_communicator(int) {
  fail("this ldarts was built without NCCL (a CPU LibTorch, or nccl.h not found); use --backend mpi");
}
}  // namespace ldarts

#endif
