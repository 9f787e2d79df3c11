# Sourced by the report tests (screenshot.sh, hostile.sh) after `set -euo pipefail`:
# checks the arguments and the tools (exit 77 = ctest SKIPPED without chromium,
# gnuplot or python3), makes an empty OUT_DIR, and runs a real tiny search
# (2 epochs x 3 steps) into OUT_DIR/run. Sets: binary, out, root, chromium, fail().
[ $# -eq 2 ] || { echo "usage: $0 LDARTS_BINARY OUT_DIR" >&2; exit 2; }
binary=$(realpath "$1")
out=$(realpath -m "$2")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

chromium=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$chromium" ] || { echo "SKIP: chromium is not installed (apt-get install chromium)"; exit 77; }
command -v gnuplot > /dev/null || { echo "SKIP: gnuplot is not installed (apt-get install gnuplot-nox)"; exit 77; }
command -v python3 > /dev/null || { echo "SKIP: python3 is not installed"; exit 77; }

rm -rf "$out"
mkdir -p "$out"
fail() { echo "FAIL: $*" >&2; exit 1; }

# configs/tiny.toml names its data (the NB201 table) relative to the repository root.
cd "$root"
"$binary" search --config configs/tiny.toml --epochs 2 --max-steps 3 --eval-steps 2 --threads 1 \
    --out "$out/run" > "$out/search.log" 2>&1 || { cat "$out/search.log"; fail "ldarts search"; }
