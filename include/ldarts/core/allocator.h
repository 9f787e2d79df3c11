// glibc malloc settings for LibTorch's CPU tensors. By default glibc serves
// large blocks with fresh mmap()s and returns freed heap tops to the kernel,
// so every step re-faults the pages of its big activations and gradients; a
// channel-dimension cat of 12 MB took 2.8 ms that way against 0.4 ms with
// warm pages (docs/benchmarks.md). tune_allocator() keeps blocks up to 32 MiB
// (glibc's upper limit) on the heap and never trims it, so the pages of one
// step are reused by the next. LDARTS_MALLOC=default leaves glibc's defaults.
#pragma once

namespace ldarts {

// Call first thing in main(); returns false when left at glibc's defaults.
bool tune_allocator();

}  // namespace ldarts
