// Deterministic random numbers that are the same on every platform and
// standard library (std::shuffle and std::uniform_int_distribution are not).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

namespace ldarts {

// One step of SplitMix64: a good 64-bit mixer.
uint64_t splitmix64(uint64_t x);

// Derives a stream seed from a base seed and any number of indices
// (epoch, step, rank, worker, ...): the same inputs give the same seed.
uint64_t derive_seed(uint64_t seed, std::initializer_list<uint64_t> indices);

// xoshiro256** generator.
class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t next();
  // Uniform integer in [0, n), without modulo bias.
  uint64_t below(uint64_t n);
  // Uniform double in [0, 1).
  double uniform();

 private:
  uint64_t s_[4];
};

// A random permutation of 0..n-1 (Fisher-Yates).
std::vector<int64_t> permutation(int64_t n, Rng& rng);

}  // namespace ldarts
