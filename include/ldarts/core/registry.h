// Self-registration (LAMMPS' styles): a file adds itself to a registry with one
// LDARTS_REGISTER_* line run during static initialization. Such files are linked
// whole (CMakeLists.txt: ldarts_plugins), since nothing refers to them by name.
#pragma once

#define LDARTS_CONCAT_(a, b) a##b
#define LDARTS_CONCAT(a, b) LDARTS_CONCAT_(a, b)
// Runs `registration` (an expression giving a bool) once at start-up.
#define LDARTS_REGISTER(registration)                                                     \
  namespace {                                                                             \
  [[maybe_unused]] const bool LDARTS_CONCAT(ldarts_registered_, __LINE__) = (registration); \
  }
