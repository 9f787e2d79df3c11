#!/usr/bin/env bash
# `ldarts sweep --submit` on a real single-node SLURM cluster (tests/slurm/cluster.sh):
# a grid of 3 seeds of the tiny search, each followed by the training of its
# genotype (a search→train pipeline: two array jobs joined by aftercorr).
# Task 1 is preempted with USR1 midway, requeues itself and resumes; it must
# then equal the same combination run here uninterrupted. Every training must
# start after its own search ended, and `ldarts summarize` must read the
# folders (3 seeds in each table). A second sweep whose search fails must
# never start its training (DependencyNeverSatisfied).
# Exit 77 (ctest: skipped) without SLURM, munge or root.
#   tests/slurm/sweep_array.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=${1:?source dir}
build=${2:?build dir}
skip() { echo "SKIP: $*"; exit 77; }
die() { echo "FAIL: $*"; squeue 2>/dev/null; tail -30 "$work"/sweep/ldarts-sweep-*.out 2>/dev/null; exit 1; }
source "$(dirname "${BASH_SOURCE[0]}")/cluster.sh"
export LDARTS_HOME=$src LDARTS_BIN=$build/ldarts
cd "$src"

cat > "$work/grid.toml" <<GRID
base = "configs/tiny.toml"
seed = [1, 2, 3]
epochs = 2
max-steps = 20
eval-steps = 2
threads = 1
checkpoint-every = 4
log-every = 4
train = "configs/train-tiny.toml"
train.network = "nb201"
train.channels = 4
train.layers = 1
train.batch-size = 16
train.epochs = 1
train.max-steps = 4
train.eval-steps = 1
train.test = false
train.threads = 1
GRID
out=$work/sweep
submitted=$("$build/ldarts" sweep "$work/grid.toml" --out "$out" --submit --sbatch-args "--chdir=$out") \
  || die "ldarts sweep --submit failed: $submitted"
echo "$submitted"
search=$(sed -n 's/^submitted search: array job \([0-9]*\).*/\1/p' <<<"$submitted")
train=$(sed -n 's/^submitted pipeline-train: array job \([0-9]*\).*/\1/p' <<<"$submitted")
[ -n "$search" ] && [ -n "$train" ] || die "no job ids in: $submitted"
job=$search

# ---- preempt task 1 midway; start its requeued instance at once ----
folder1=$out/$(sed -n '3p' "$out/plan.tsv" | cut -f2)   # plan.tsv: header, task 0, task 1
for i in $(seq 240); do
  [ -f "$folder1/steps.csv" ] && (( $(wc -l < "$folder1/steps.csv") > 10 )) && break
  sleep 0.5
done
(( $(wc -l < "$folder1/steps.csv" 2>/dev/null || echo 0) > 10 )) || die "task 1 did not start stepping"
scancel --signal=USR1 --batch "${search}_1" || die "scancel ${search}_1 failed"
echo "sent USR1 to ${search}_1"
log1=$out/ldarts-sweep-${search}_1.out
start_requeued "${search}_1" "$log1"   # the other tasks keep the node busy: no wait for idle
wait_jobs "$search,$train" 600
grep -q "preempted" "$log1" && grep -q "resumed from" "$log1" || die "task 1 was not preempted and resumed: $(cat "$log1")"

# ---- task 1 equals the same combination run here, uninterrupted ----
mapfile -t args < <("$build/ldarts" sweep "$work/grid.toml" --out "$work/reference" --task 1 --print-args)
"$build/ldarts" "${args[@]}" > "$work/reference.log" 2>&1 || die "reference run failed: $(tail -5 "$work/reference.log")"
ref=$work/reference/$(basename "$folder1")
cmp -s "$ref/steps.csv" "$folder1/steps.csv" || die "the preempted task's steps.csv differs from an uninterrupted run"
cmp -s "$ref/genotype.json" "$folder1/genotype.json" || die "the preempted task's genotype differs"

# ---- every training started after its own search ended ----
for task in 0 1 2; do
  folder=$out/$(sed -n "$((task + 2))p" "$out/plan.tsv" | cut -f2)
  [ -f "$folder/genotype.json" ] || die "task $task: no genotype.json"
  [ -f "$folder.train/metrics.csv" ] || die "task $task: no training ($folder.train)"
  ended=$(grep "ldarts exited with 0" "$out/ldarts-sweep-${search}_${task}.out" | tail -1 | cut -c2-9)
  started=$(grep " start " "$out/ldarts-sweep-${train}_${task}.out" | head -1 | cut -c2-9)
  [ -n "$ended" ] && [ -n "$started" ] || die "task $task: no end/start times in the logs"
  [[ ! "$started" < "$ended" ]] || die "task $task: training started at $started, before its search ended at $ended"
  echo "task $task: search ended $ended, training started $started"
done

# ---- summarize reads the folders ----
summary=$("$build/ldarts" summarize "$out" 2>&1) || die "summarize failed: $summary"
echo "$summary" | head -12
grep -q "seeds 1, 2, 3" <<<"$summary" || die "summarize did not find the 3 seeds"
[ "$(grep -c '^| 3 |' <<<"$summary")" -eq 2 ] || die "summarize did not give n=3 for the searches and the trainings"

# ---- a failed search never starts its training ----
sed 's/^epochs = 2/epochs = 0/; s/^seed = .*/seed = [1]/' "$work/grid.toml" > "$work/failing.toml"
submitted=$("$build/ldarts" sweep "$work/failing.toml" --out "$work/failing" --submit --sbatch-args "--chdir=$work") \
  || die "submitting the failing sweep failed: $submitted"
bad_search=$(sed -n 's/^submitted search: array job \([0-9]*\).*/\1/p' <<<"$submitted")
bad_train=$(sed -n 's/^submitted pipeline-train: array job \([0-9]*\).*/\1/p' <<<"$submitted")
job=$bad_train
reason=
for i in $(seq 120); do
  reason=$(squeue -h -j "$bad_train" -o %r 2>/dev/null)
  [ "$reason" = DependencyNeverSatisfied ] && break
  sleep 1
done
[ "$reason" = DependencyNeverSatisfied ] || die "the training of a failed search is '$reason', not DependencyNeverSatisfied"
[ -e "$work/failing/000-seed=1.train" ] && die "the training of a failed search ran"
scancel "$bad_train"
echo "PASS: sweep array of 3 tasks (one preempted, requeued, resumed exactly), trainings after their searches, summarize, no training after a failed search"
exit 0
