#!/usr/bin/env bash
# The DARTS vs Λ-DARTS study of docs/results.md: the same seeds, data and budget
# for plain DARTS, Λ-DARTS (corr, Λ) and Λ-DARTS (signcorr, Λ±) on Fashion-MNIST
# in the NB201 space, then a summary table.
#   bash scripts/study_nb201.sh [OUT_ROOT] [SEEDS...]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$root/runs/study}
shift || true
seeds=("${@:-1}")
common=(--config "$root/configs/tiny.toml" --cells-per-stage 2 --epochs 8 --max-steps 50 --eval-steps 20
        --nb201-table "$root/data/nb201/nb201_test_acc_200ep.csv" --log-every 25)
for seed in "${seeds[@]}"; do
  for method in none corr signcorr; do
    dir=$out/$method-seed$seed
    [ -f "$dir/genotype.json" ] && continue
    "${LDARTS_BIN:-$root/build/ldarts}" search "${common[@]}" --seed "$seed" --regularizer "$method" --lambda 0.25 \
      --out "$dir" > "$out.$method-seed$seed.log" 2>&1 || { echo "run $dir failed, see $out.$method-seed$seed.log"; exit 1; }
  done
done
python3 "$root/scripts/summarize_study.py" "$out"
