#include "ldarts/dist/runtime.h"

#include <mpi.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include <ATen/ATen.h>

#include "ldarts/core/error.h"

namespace ldarts {

std::unique_ptr<Communicator> make_mpi_communicator();
std::unique_ptr<Communicator> make_nccl_communicator(int local_rank);  // nccl_communicator.cpp or a refusal

bool launched_as_ranks() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE", "PMI_RANK"})
    if (std::getenv(var)) return true;
  return false;
}

Runtime::Runtime(int* argc, char*** argv) {
  if (!launched_as_ranks()) return;
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  mpi_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &world_);
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node);
  MPI_Comm_rank(node, &local_rank_);
  MPI_Comm_free(&node);
}

Runtime::~Runtime() {
  if (mpi_) MPI_Finalize();
}

void Runtime::abort_all(const std::string& message, int code) const {
  if (rank_ != 0) usleep(500 * 1000);  // if rank 0 failed too, its message comes first
  if (world_ > 1)
    std::fprintf(stderr, "ldarts: error on rank %d of %d: %s\n", rank_, world_, message.c_str());
  else
    std::fprintf(stderr, "ldarts: error: %s\n", message.c_str());
  std::fflush(stderr);
  if (mpi_) MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

std::unique_ptr<Communicator> make_communicator(const Runtime& runtime, const std::string& backend, bool cuda) {
  const bool several = runtime.world_size() > 1;
  if (backend == "local" || (backend == "auto" && !several)) {
    LDARTS_CHECK(!several, "--backend local in a run of ", runtime.world_size(), " ranks");
    return std::make_unique<LocalCommunicator>();
  }
  if (backend == "nccl" || (backend == "auto" && cuda)) return make_nccl_communicator(runtime.local_rank());
  if (backend == "mpi" || backend == "auto") {
    LDARTS_CHECK(runtime.distributed(), "--backend mpi needs a launch by mpirun or srun");
    return make_mpi_communicator();
  }
  fail("--backend must be auto, local, mpi or nccl, got '", backend, "'");
}

at::Tensor all_gather(Communicator& comm, const at::Tensor& local) {
  // Each rank fills its own row of zeros; the mean times world is every row.
  std::vector<int64_t> shape{comm.world_size()};
  for (int64_t s : local.sizes()) shape.push_back(s);
  at::Tensor rows = at::zeros(shape, local.options().dtype(at::kDouble));
  rows[comm.rank()].copy_(local.to(at::kDouble));
  std::vector<at::Tensor> buffer{rows};
  comm.all_reduce_mean(buffer);
  // Each entry is x/world summed with zeros: times world gives x back (exactly
  // for a power-of-two world; integer types are rounded, so always exactly).
  at::Tensor rows_back = buffer[0].mul(comm.world_size());
  if (!at::isFloatingType(local.scalar_type())) rows_back = rows_back.round();
  return rows_back.to(local.scalar_type());
}

}  // namespace ldarts
