#include "ldarts/cli/run_options.h"

#include <torch/torch.h>

#include "ldarts/core/signals.h"
#include "ldarts/search/searcher.h"

namespace ldarts {

std::unique_ptr<Communicator> start_run(const Runtime& runtime, const std::string& backend, const std::string& device,
                                        int threads) {
  install_stop_handlers();
  std::unique_ptr<Communicator> comm = make_communicator(runtime, backend, resolve_device(device).is_cuda());
  if (comm->world_size() > 1 && threads == 0) torch::set_num_threads(1);  // ranks share the cores
  return comm;
}

}  // namespace ldarts
