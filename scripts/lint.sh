#!/usr/bin/env bash
# Format and static checks for a change (.clang-format, .clang-tidy at the top level).
#   scripts/lint.sh [BASE]     the lines changed since BASE (default origin/main or HEAD~1)
#                              through `git clang-format --diff`, and clang-tidy on the
#                              changed .cpp files of src/ and tests/
# Needs clang-format and clang-tidy (Debian: apt-get install clang-format clang-tidy)
# and a configured build/ (scripts/setup.sh). Exit 1 when either finds something.
# clang-tidy reads GCC's precompiled header poorly, so it gets a copy of the compile
# database without the PCH flags (build/lint/); a torch-heavy file takes ~30 s.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
base=${1:-$(git rev-parse -q --verify origin/main || git rev-parse HEAD~1)}
for cmd in clang-format clang-tidy; do
  command -v $cmd > /dev/null || { echo "lint: $cmd not installed (apt-get install clang-format clang-tidy)"; exit 2; }
done
[ -f build/compile_commands.json ] || { echo "lint: no build/compile_commands.json (run scripts/setup.sh first)"; exit 2; }
status=0

format=$(git clang-format --diff --extensions cpp,h "$base" -- src include tests 2>&1)
if [ -n "$format" ] && ! grep -q "^no modified files\|did not modify any files" <<<"$format"; then
  echo "$format"
  echo "lint: formatting differs from .clang-format on the lines above (fix: git clang-format $base)"
  status=1
fi

mkdir -p build/lint
python3 - build/compile_commands.json build/lint/compile_commands.json <<'PY'
import json, re, sys
entries = json.load(open(sys.argv[1]))
for e in entries:
    c = e["command"]
    c = re.sub(r"-include \S*cmake_pch\.hxx", "", c)
    c = c.replace("-Winvalid-pch", "").replace("-fpch-preprocess", "")
    e["command"] = re.sub(r"^\S*ccache ", "", c)
json.dump(entries, open(sys.argv[2], "w"), indent=1)
PY
files=$(git diff --name-only --diff-filter=AM "$base" -- 'src/*.cpp' 'tests/*.cpp')
for f in $files; do
  grep -q "\"file\": \"$root/$f\"" build/lint/compile_commands.json || continue
  echo "lint: clang-tidy $f"
  out=$(clang-tidy -p build/lint --quiet "$f" 2>/dev/null)
  if grep -q "warning:\|error:" <<<"$out"; then echo "$out"; status=1; fi
done
[ $status -eq 0 ] && echo "lint: clean ($base..)"
exit $status
