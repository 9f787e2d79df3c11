#!/usr/bin/env bash
# Every comparison of docs/reference-steps.md, then its table.
#   tests/reference/run_all.sh OUT_DIR [BINARY]
# Needs the exported published trees in $LDARTS_REF_ROOT (default /work/ref-code) and a
# Python with torch 2.11.0 + numpy in $PY (default ~/.cache/lambda-ref-venv/bin/python).
set -euo pipefail
out=${1:?usage: run_all.sh OUT_DIR [BINARY]}
bin=${2:-build/tests/reference/reference_step}
py=${PY:-$HOME/.cache/lambda-ref-venv/bin/python}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$out"
export OMP_NUM_THREADS=1
run() {  # name, arguments
  local name=$1; shift
  "$py" "$here/compare_step.py" --binary "$bin" --json "$out/$name.json" "$@" > "$out/$name.log" 2>&1 \
    || { echo "FAILED: $name (log $out/$name.log)"; tail -5 "$out/$name.log"; }
}
big=(--channels 16 --cells 5 --image 32 --batch 8)
# small shape (C=8, N=1, 16x16, batch 16): the clip does not act
for m in darts darts-2nd pc-darts beta-darts sdarts-rs sdarts-adv; do
  for s in 1 2; do run "small-$m-s$s" --method "$m" --steps $s; done
done
for m in darts darts-2nd; do
  for s in 1 2; do run "small-autodl-$m-s$s" --method "$m" --published autodl --steps $s; done
done
for s in 1 2; do run "small-sdarts-adv-cellbn0-s$s" --method sdarts-adv --cell-bn-stats 0 --steps $s; done
run small-darts-2nd-peredge-s2 --method darts-2nd --steps 2 --cell-kernel per-edge
# DARTS space with none: quark0/darts (darts, darts-2nd) and yuhuixu1993/PC-DARTS (K=4, edge normalization)
dsmall=(--channels 4 --layers 5 --image 16 --batch 8)
for s in 1 2; do
  run "dartsspace-quark0-darts-s$s" --method darts --published quark0 --steps $s "${dsmall[@]}"
  run "dartsspace-quark0-darts-2nd-s$s" --method darts-2nd --published quark0 --steps $s "${dsmall[@]}"
  run "dartsspace-pcdarts-s$s" --method pc-darts --published pcdarts --steps $s --channels 8 --layers 5 --image 16 --batch 8
done
# the DARTS paper's search network (C=16, L=8, 32x32), batch 4: about 75 s
run "darts8-quark0-darts-2nd-s2" --method darts-2nd --published quark0 --steps 2 --channels 16 --layers 8 --image 32 --batch 4
# DARTS- (C=4, L=5, 16x16, batch 8): the clip acts; --clip 1000 turns it off on both sides
for s in 1 2; do
  run "dartsspace-darts-minus-s$s" --method darts-minus --channels 4 --layers 5 --image 16 --batch 8 --steps $s
  run "dartsspace-darts-minus-noclip-s$s" --method darts-minus --channels 4 --layers 5 --image 16 --batch 8 --steps $s --clip 1000
done
# P-DARTS (chenxin061/pdarts), DARTS space with none, C=4, 16x16, batch 8: a stage-1 step (8 ops, 5 cells;
# --arch-clip 0.1 makes the α clip act, its norm is 0.38 here) and a stage-2 step (5 ops per edge, other
# ops on every edge, 11 cells), without and with skip dropout (ldarts' masks on both sides)
pd=(--method p-darts --channels 4 --image 16 --batch 8)
for s in 1 2; do
  run "pdarts-stage1-s$s" "${pd[@]}" --layers 5 --steps $s
  run "pdarts-stage1-archclip-s$s" "${pd[@]}" --layers 5 --arch-clip 0.1 --steps $s
  run "pdarts-stage2-s$s" "${pd[@]}" --layers 11 --pdarts-stage 2 --pdarts-keep 5 --steps $s
  run "pdarts-stage2-dropout-s$s" "${pd[@]}" --layers 11 --pdarts-stage 2 --pdarts-keep 5 --skip-dropout 0.4 --steps $s
done
# the published NB201 shape (C=16, N=5, 32x32) with batch 8: the clip acts
for m in darts darts-2nd pc-darts beta-darts sdarts-rs; do
  run "nb201-$m-s2" --method "$m" --steps 2 "${big[@]}"
  run "nb201-$m-s2-clipomega" --method "$m" --steps 2 --clip-omega-only "${big[@]}"
  run "nb201-$m-s2-clipwithalpha" --method "$m" --steps 2 --clip-with-alpha "${big[@]}"
done
run "nb201-autodl-darts-2nd-s2" --method darts-2nd --published autodl --steps 2 "${big[@]}"
run "nb201-autodl-darts-2nd-s2-clipomega" --method darts-2nd --published autodl --steps 2 --clip-omega-only "${big[@]}"
run "nb201-sdarts-adv-s2-cellbn0-clipomega" --method sdarts-adv --steps 2 --cell-bn-stats 0 --clip-omega-only "${big[@]}"
run "nb201-sdarts-adv-s2" --method sdarts-adv --steps 2 "${big[@]}"
"$py" "$here/compare_step.py" --summarize "$out"/*.json
