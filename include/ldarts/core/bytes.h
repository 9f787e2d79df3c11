// Little-endian integers in byte buffers (checkpoint header, TensorBoard
// records, MAT files), independent of the host's byte order.
#pragma once

#include <cstdint>

namespace ldarts {

inline uint64_t read_little_endian(const unsigned char* p, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value |= uint64_t{p[i]} << (8 * i);
  return value;
}

inline void write_little_endian(unsigned char* p, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) p[i] = static_cast<unsigned char>(value >> (8 * i));
}

}  // namespace ldarts
