#!/usr/bin/env bash
# ldarts' float32 step against the published float64 step, with the published code's own
# float32 noise floor (docs/reference-float32.md), then the Markdown tables.
#   tests/reference/run_float32.sh OUT_DIR [BINARY]
# One step of Λ-DARTS from one float32-rounded start, seeds $SEEDS (default 0 1 2), for each
# of the four ldarts paths (--cell-kernel fused|per-edge x channels-last on|off):
#   nb201: Lambda-DARTS NAS-Bench201/exps/algos/DARTS-V1.py search_func (corr_regularization
#          on), C=8, N=2, 16x16, batch 64, λ 0.25, ε0 1e-4 (DARTS-V1.sh), --clip-with-alpha
#          (the published clip covers α);
#   darts: Lambda-DARTS sota/cnn/train_search.py train() (--corr_regularization corr, space
#          s5 = ldarts --space darts), C=8, L=5, 16x16, batch 32, λ 0.25, ε0 1e-3
#          (run_search.sh); DARTS_SPACE=0 leaves it out (12 runs of about 20 s).
# Needs the exported Lambda-DARTS tree in $LDARTS_REF_ROOT (default /work/ref-code), a Python
# with torch 2.11.0 + numpy + pillow in $PY (default ~/.cache/lambda-ref-venv/bin/python) and
# the harness: cmake --build build --target reference_step.
# With LDARTS_CPU_LOCK=FILE every run (seconds each) holds `flock FILE`.
set -euo pipefail
out=${1:?usage: run_float32.sh OUT_DIR [BINARY]}
bin=${2:-build/tests/reference/reference_step}
py=${PY:-$HOME/.cache/lambda-ref-venv/bin/python}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
seeds=${SEEDS:-0 1 2}
lambda=${LAMBDA:-0.25}
lock=()
[[ -n "${LDARTS_CPU_LOCK:-}" ]] && lock=(flock "$LDARTS_CPU_LOCK")
mkdir -p "$out"
rm -f "$out"/nb201-*.json "$out"/darts-*.json
export OMP_NUM_THREADS=1
run() {  # name, arguments
  local name=$1; shift
  "${lock[@]}" "$py" "$here/compare_step.py" --binary "$bin" --json "$out/$name.json" "$@" > "$out/$name.log" 2>&1 \
    || { echo "FAILED: $name (log $out/$name.log)"; tail -5 "$out/$name.log"; }
}
paths() {  # prefix, arguments: the four ldarts paths x the seeds
  local prefix=$1; shift
  for seed in $seeds; do
    for kernel in fused per-edge; do
      for cl in 1 0; do
        run "$prefix-$kernel-cl$cl-seed$seed" --dtype float32 --cell-kernel "$kernel" --channels-last "$cl" \
          --seed "$seed" "$@"
      done
    done
  done
}
paths nb201 --method darts --lambda "$lambda" --epsilon0 1e-4 --clip-with-alpha \
  --channels 8 --cells 2 --image 16 --batch 64
[[ ${DARTS_SPACE:-1} == 1 ]] && paths darts --method darts --published lambda-sota --lambda "$lambda" --epsilon0 1e-3 \
  --channels 8 --layers 5 --image 16 --batch 32

# the ldarts state measured: the commit, and a hash of the uncommitted src/ include/ changes (tracked
# diff + untracked files) as they are now; the binary's time says whether it was built after them
repo=$(cd "$here/../.." && pwd)
dirty=$( { git -C "$repo" diff HEAD -- src include; git -C "$repo" ls-files --others --exclude-standard -z -- src include \
          | (cd "$repo" && xargs -0 -r cat); } | sha256sum | cut -c1-12)
if git -C "$repo" diff --quiet HEAD -- src include && [[ -z $(git -C "$repo" ls-files --others --exclude-standard -- src include) ]]; then
  state="clean"
else
  state="with uncommitted src/ include/ changes (hash $dirty; $(git -C "$repo" status --short -- src include | wc -l) files)"
fi
echo "ldarts: $(git -C "$repo" rev-parse --short HEAD) $state; binary $bin built $(date -r "$bin" '+%F %T')"
echo
echo "### NB201: Lambda-DARTS DARTS-V1.py search_func, C=8 N=2 16x16 batch 64, λ $lambda, ε0 1e-4, 1 step, OMP_NUM_THREADS=1"
echo
"$py" "$here/compare_step.py" --summarize-float32 "$out"/nb201-*.json
if [[ ${DARTS_SPACE:-1} == 1 ]]; then
  echo
  echo "### DARTS space: Lambda-DARTS sota/cnn/train_search.py train(), C=8 L=5 16x16 batch 32, λ $lambda, ε0 1e-3, 1 step"
  echo
  "$py" "$here/compare_step.py" --summarize-float32 "$out"/darts-*.json
fi
