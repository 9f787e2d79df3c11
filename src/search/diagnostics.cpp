#include "ldarts/search/diagnostics.h"

#include <cmath>

#include <torch/torch.h>

#include "ldarts/model/mixed_op.h"
#include "ldarts/model/search_network.h"
#include "ldarts/spaces/space.h"

namespace ldarts {

at::Tensor summed_op_gradient(const at::Tensor& per_cell_grads, const std::vector<int>& cells,
                              const std::vector<int>& op_columns) {
  const int64_t edges = int64_t(op_columns.size());
  const at::Tensor g = per_cell_grads.reshape({per_cell_grads.size(0), edges, -1});
  std::vector<int64_t> rows(cells.begin(), cells.end()), edge_index, column;
  for (int64_t e = 0; e < edges; ++e)
    if (op_columns[e] >= 0) edge_index.push_back(e), column.push_back(op_columns[e]);
  if (edge_index.empty() || rows.empty()) return torch::full({}, std::nan(""), g.options().dtype(torch::kDouble));
  const auto on = [&](const std::vector<int64_t>& v) { return torch::tensor(v, torch::kLong).to(g.device()); };
  const at::Tensor picked = g.index_select(0, on(rows)).index({torch::indexing::Slice(), on(edge_index), on(column)});
  return picked.to(torch::kDouble).sum(0).mean();
}

std::vector<int> op_columns(const SearchSpace& space, int type, const std::string& op) {
  std::vector<int> columns;
  for (const auto& ops : space.cell_types.at(type).edge_ops) {
    int column = -1;
    for (size_t o = 0; o < ops.size(); ++o)
      if (ops[o] == op) column = int(o);
    columns.push_back(column);
  }
  return columns;
}

void ExponentialAverage::add(const at::Tensor& value) {
  const at::Tensor v = value.to(torch::kDouble);
  sum = sum.defined() ? sum * decay + v * (1 - decay) : v * (1 - decay);
  ++count;
}

at::Tensor ExponentialAverage::value() const {
  return count ? sum / (1 - std::pow(decay, double(count))) : at::Tensor();
}

at::Tensor pair_products(const std::vector<at::Tensor>& same_shape) {
  if (same_shape.size() < 2) return torch::zeros({0, 3}, torch::kDouble);
  // One Gram matrix of the flattened tensors (a GEMM in their own precision) holds every pair.
  std::vector<at::Tensor> rows;
  for (const auto& t : same_shape) rows.push_back(t.reshape({1, -1}));
  const at::Tensor x = torch::cat(rows);
  const at::Tensor gram = x.matmul(x.t()).to(torch::kDouble);
  std::vector<int64_t> a, b;
  for (int64_t i = 0; i < gram.size(0); ++i)
    for (int64_t j = i + 1; j < gram.size(0); ++j) a.push_back(i), b.push_back(j);
  const at::Tensor ia = torch::tensor(a, torch::kLong).to(x.device()), ib = torch::tensor(b, torch::kLong).to(x.device());
  return torch::stack({gram.index({ia, ib}), gram.index({ia, ia}), gram.index({ib, ib})}, 1);
}

double mean_cosine(const at::Tensor& products) {
  if (products.size(0) == 0) return std::nan("");
  const at::Tensor p = products.cpu();
  return (p.select(1, 0) / (p.select(1, 1) * p.select(1, 2)).sqrt()).mean().item<double>();
}

std::vector<StageSimilarity> probe_similarities(SearchNetworkImpl& network, const SearchSpace& space,
                                                const std::vector<at::Tensor>& cell_weights,
                                                const at::Tensor& images, const at::Tensor& labels,
                                                Communicator& comm) {
  // The BN running statistics are put back afterwards: the probe must not change the search.
  std::vector<at::Tensor> buffers = network.buffers(), saved;
  for (const auto& b : buffers) saved.push_back(b.clone());

  // Every search cell's node states, inputs first, kept by the network's cell hook.
  std::vector<std::vector<at::Tensor>> nodes(network.num_search_cells());
  struct HookScope {  // the hook refers to `nodes`: removed when the probe ends, however it ends
    SearchNetworkImpl& network;
    ~HookScope() { network.set_cell_hook(nullptr); }
  } scope{network};
  network.set_cell_hook([&nodes](int cell, const std::vector<at::Tensor>& states) { nodes[cell] = states; });
  const at::Tensor logits = network.forward(images, cell_weights);
  const at::Tensor loss = torch::nn::functional::cross_entropy(logits, labels);

  // Nodes that receive edges (NB201: 1..3; DARTS: 2..5), of the cells in stages.
  std::vector<int> receiving;
  for (const Edge& e : space.edges)
    if (std::find(receiving.begin(), receiving.end(), e.to) == receiving.end()) receiving.push_back(e.to);
  const std::vector<int> stages = network.cell_stages();
  std::vector<at::Tensor> wanted;
  for (size_t c = 0; c < stages.size(); ++c)
    if (stages[c] >= 0)
      for (int j : receiving) wanted.push_back(nodes[c][j]);
  const std::vector<at::Tensor> node_grads = torch::autograd::grad({loss}, wanted);

  const int num_stages = stages.empty() ? 0 : *std::max_element(stages.begin(), stages.end()) + 1;
  std::vector<at::Tensor> products;  // per stage: outputs, then gradients
  std::vector<int> stage_of;
  {
    torch::NoGradGuard no_grad;
    for (int s = 0; s < num_stages; ++s) {
      std::vector<int> cells;
      for (size_t c = 0; c < stages.size(); ++c)
        if (stages[c] == s) cells.push_back(int(c));
      if (cells.size() < 2) continue;
      std::vector<at::Tensor> output_rows, grad_rows;
      for (int e = 0; e < space.num_edges(); ++e) {
        MixedOpImpl& first = network.edge_op(cells[0], e);
        for (size_t o = 0; o < first.op_names().size(); ++o) {
          if (first.op_names()[o].find("conv") == std::string::npos) continue;
          std::vector<at::Tensor> outputs;
          for (int c : cells) {
            MixedOpImpl& op = network.edge_op(c, e);
            const at::Tensor& x = nodes[c][space.edges[e].from];
            torch::nn::AnyModule module = op.ops()[o];
            outputs.push_back(module.forward(x.narrow(1, 0, x.size(1) / op.partial_channels())));
          }
          output_rows.push_back(pair_products(outputs));
        }
      }
      for (size_t k = 0; k < receiving.size(); ++k) {
        std::vector<at::Tensor> grads;
        for (int c : cells) {
          size_t index = 0;  // position of (c, k) in `wanted`
          for (int d = 0; d < c; ++d) index += stages[d] >= 0 ? receiving.size() : 0;
          grads.push_back(node_grads[index + k]);
        }
        grad_rows.push_back(pair_products(grads));
      }
      products.push_back(output_rows.empty() ? torch::zeros({0, 3}, torch::kDouble) : torch::cat(output_rows));
      products.push_back(torch::cat(grad_rows));
      stage_of.push_back(s);
    }
    for (size_t i = 0; i < buffers.size(); ++i) buffers[i].copy_(saved[i]);
  }
  if (products.empty()) return {};
  // Sums over ranks (a mean: the cosine is a ratio), then the cosines.
  std::vector<int64_t> sizes;
  for (const auto& p : products) sizes.push_back(p.size(0));
  std::vector<at::Tensor> all{torch::cat(products)};
  comm.all_reduce_mean(all);
  const std::vector<at::Tensor> parts = all[0].split_with_sizes(sizes);
  std::vector<StageSimilarity> out;
  for (size_t i = 0; i < stage_of.size(); ++i)
    out.push_back({stage_of[i], mean_cosine(parts[2 * i]), mean_cosine(parts[2 * i + 1])});
  return out;
}

}  // namespace ldarts
