#include "ldarts/core/allocator.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>

namespace ldarts {

bool tune_allocator() {
  const char* mode = std::getenv("LDARTS_MALLOC");
  if (mode != nullptr && std::strcmp(mode, "default") == 0) return false;
  // Blocks below 32 MiB from the heap (mmap above); freed memory stays mapped.
  const bool threshold = mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1;
  const bool trim = mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1;  // max int-ish: only trim past 1 GiB of free top
  return threshold && trim;
}

}  // namespace ldarts
