// SHA-256 (FIPS 180-4) and base64 (RFC 4648), for the report page: its cell
// pictures travel as data: URIs and its Content-Security-Policy names its
// inline scripts by hash ('sha256-<base64>').
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace ldarts {

std::array<uint8_t, 32> sha256(const std::string& bytes);

// Standard alphabet with '=' padding, no line breaks.
std::string base64(const std::string& bytes);
std::string base64(const std::array<uint8_t, 32>& bytes);

}  // namespace ldarts
