// Drawing genotype pictures with Graphviz's `dot` program, where installed.
#pragma once

#include <string>

namespace ldarts {

// Whether `dot` is on the PATH.
bool graphviz_available();

// The DOT source rendered by `dot -T<format>` (svg, png, ...); an Error naming
// what to install when `dot` is missing, or dot's exit status when it fails.
std::string render_dot(const std::string& dot, const std::string& format);

}  // namespace ldarts
