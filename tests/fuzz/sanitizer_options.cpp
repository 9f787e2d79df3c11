// The sanitizers' options of ldarts_fuzz_asan, built in (ctest's list-valued ENVIRONMENT does
// not survive gtest_discover_tests): no leak report (LibTorch's static caches), allocations
// over 2 GiB fail like a real failed malloc (HDF5 asks for gigabytes for some damaged files,
// then reports the failure), and any undefined behaviour ends the process with a stack.
extern "C" const char* __asan_default_options() {
  return "detect_leaks=0:max_allocation_size_mb=2048:allocator_may_return_null=1";
}
extern "C" const char* __ubsan_default_options() { return "print_stacktrace=1:halt_on_error=1"; }
