// Λ and Λ± against values computed by hand on fixed vectors.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "ldarts/search/alignment.h"

using namespace ldarts;

TEST(Alignment, HandComputedCosines) {
  // g1 = (1,0), g2 = (1,1), g3 = (0,-1):
  // cos12 = 1/√2, cos13 = 0, cos23 = -1/√2  →  Λ = 0.
  // Change g3 to (0, 2): cos13 = 0, cos23 = 1/√2 → Λ = (1/√2 + 0 + 1/√2)/3.
  auto g = torch::tensor({1.0, 0.0, 1.0, 1.0, 0.0, -1.0}, torch::kDouble).view({3, 2});
  EXPECT_NEAR(alignment(g).item<double>(), 0.0, 1e-12);
  auto h = torch::tensor({1.0, 0.0, 1.0, 1.0, 0.0, 2.0}, torch::kDouble).view({3, 2});
  EXPECT_NEAR(alignment(h).item<double>(), 2.0 / std::sqrt(2.0) / 3.0, 1e-12);
}

TEST(Alignment, IdenticalAndOppositeDirections) {
  auto same = torch::tensor({1.0, 2.0, 3.0, 2.0, 4.0, 6.0}, torch::kDouble).view({2, 3});
  EXPECT_NEAR(alignment(same).item<double>(), 1.0, 1e-12);
  auto opposite = torch::tensor({1.0, 2.0, 3.0, -1.0, -2.0, -3.0}, torch::kDouble).view({2, 3});
  EXPECT_NEAR(alignment(opposite).item<double>(), -1.0, 1e-12);
}

TEST(Alignment, SignAlignmentByHand) {
  // g1 = (1, 2), g2 = (3, -1): g1·g2 = 1, |g1|·|g2| = 3 + 2 = 5 → 0.2.
  // g3 = (-2, 1): g1·g3 = 0, |g1|·|g3| = 4 → 0; g2·g3 = -7, |g2|·|g3| = 7 → -1.
  auto g = torch::tensor({1.0, 2.0, 3.0, -1.0, -2.0, 1.0}, torch::kDouble).view({3, 2});
  EXPECT_NEAR(sign_alignment(g).item<double>(), (0.2 + 0.0 - 1.0) / 3.0, 1e-12);
}

TEST(Alignment, NeedsTwoCells) {
  auto one = torch::ones({1, 4}, torch::kDouble);
  EXPECT_THROW(alignment(one), std::exception);
}
