// The factories of the methods in this folder, for registry.cpp only.
#pragma once

#include <memory>

#include "ldarts/search/method.h"

namespace ldarts {

std::unique_ptr<SearchMethod> make_darts(const SearchOptions& options, const SearchSpace& space);
std::unique_ptr<SearchMethod> make_darts_2nd(const SearchOptions& options, const SearchSpace& space);
std::unique_ptr<SearchMethod> make_sdarts_rs(const SearchOptions& options, const SearchSpace& space);
std::unique_ptr<SearchMethod> make_sdarts_adv(const SearchOptions& options, const SearchSpace& space);
std::unique_ptr<SearchMethod> make_beta_darts(const SearchOptions& options, const SearchSpace& space);
std::unique_ptr<SearchMethod> make_darts_minus(const SearchOptions& options, const SearchSpace& space);
std::unique_ptr<SearchMethod> make_pc_darts(const SearchOptions& options, const SearchSpace& space);
std::unique_ptr<SearchMethod> make_p_darts(const SearchOptions& options, const SearchSpace& space);

}  // namespace ldarts
