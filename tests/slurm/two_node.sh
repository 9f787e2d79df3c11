#!/usr/bin/env bash
# A real two-node SLURM cluster on one machine (tests/slurm/cluster.sh with nodes=2:
# two network namespaces joined by a veth pair, one slurmd in each). The tiny search
# of jobs/search-tiny-cpu.sbatch runs as a 2-node job, 1 rank per node, launched by
# the job script's mpirun with MPI over TCP between the namespaces. It is preempted
# (USR1), requeued and resumed on 2 nodes, preempted again, and the requeued job is
# changed to 1 node x 1 task before it restarts: ldarts resumes the 2-rank checkpoint
# on 1 rank (2 micro-batches, docs/distributed.md). Checks:
#   - every step before the 1-rank resume equals the uninterrupted single-node 2-rank
#     run bit for bit (steps.csv rows);
#   - the steps after it agree to summation order (relative 1e-6; steps.csv keeps 8 digits) and the genotype
#     is the same.
# In float64: the finite differences divide round-off by 2ε, so in float32 the
# 1-rank continuation drifts from the 2-rank run by ~1e-3 per regularized step
# and, the tiny run's α being nearly uniform, ends with another genotype.
# Exit 77 (ctest: skipped) without root, SLURM, munge or network namespaces.
#   tests/slurm/two_node.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=${1:?source dir}
build=${2:?build dir}
skip() { echo "SKIP: $*"; exit 77; }
die() {
  echo "FAIL: $*"
  tail -15 "$work"/slurmd*.log "$work/slurmctld.log" 2>/dev/null
  [ -n "${job:-}" ] && scontrol show job "$job" 2>/dev/null | head -20
  tail -60 "$work"/job-*.out 2>/dev/null
  exit 1
}
nodes=2
source "$(dirname "${BASH_SOURCE[0]}")/cluster.sh"
sinfo -h -N -o '%N %t %c' | paste -sd' ' | sed 's/^/cluster: /'

# ---- the run, uninterrupted, as 2 ranks on one node (reference) ----
args=(--dataset fashion-mnist --channels 4 --cells-per-stage 1 --batch-size 16 --epochs 2 --max-steps 40
      --eval-steps 2 --seed 7 --lambda 0.5 --fd-mode interleaved --checkpoint-every 5 --log-every 10 --float64 true)
cd "$src"
mpirun --allow-run-as-root --oversubscribe -np 2 "$build/ldarts" search --config configs/tiny.toml --out "$work/reference" \
  --threads 1 --backend mpi "${args[@]}" > "$work/reference.log" 2>&1 || die "reference run failed: $(tail -5 $work/reference.log)"

# ---- the same run as a 2-node job ----
# MPI over TCP only (no shared memory between the ranks), on the veth pair.
export OMPI_MCA_btl=self,tcp OMPI_MCA_btl_tcp_if_include=10.77.0.0/24 OMPI_MCA_oob_tcp_if_include=10.77.0.0/24
export LDARTS_HOME=$src LDARTS_BIN=$build/ldarts LDARTS_LAUNCH=mpirun
job=$(sbatch --parsable --nodes=2 --ntasks=2 --ntasks-per-node=1 --chdir "$work" --output "$work/job-%j.out" \
  "$src/jobs/search-tiny-cpu.sbatch" configs/tiny.toml "$work/job" "${args[@]}") || die "sbatch failed"
log=$work/job-$job.out
echo "submitted 2-node job $job"
steps_logged() { [ -f "$work/job/steps.csv" ] && (( $(wc -l < "$work/job/steps.csv") > $1 )); }
# preempt_at ROWS: once steps.csv has more than ROWS rows, USR1 to the batch script.
preempt_at() {
  local i
  for i in $(seq 600); do steps_logged "$1" && break; sleep 0.5; done
  steps_logged "$1" || die "job $job did not reach $1 steps"
  scancel --signal=USR1 --batch "$job" || die "scancel failed"
  echo "sent USR1 to job $job after $(($(wc -l < "$work/job/steps.csv") - 1)) steps"
}
# wait_pending N: until the job is PENDING after its N-th requeue.
wait_pending() {
  local i
  for i in $(seq 180); do
    [ "$(squeue -h -j "$job" -o %T 2>/dev/null)" = PENDING ] && (( $(grep -c "requeueing job" "$log") >= $1 )) && return 0
    sleep 1
  done
  die "job $job was not requeued a ${1}. time"
}

preempt_at 12
start_requeued "$job" "$log" idle
preempt_at 30
wait_pending 2
# One field at a time: together, SLURM 22.05 kept the 2 CPUs of the old request and never ran the job.
for field in NumTasks=1 NumNodes=1 NumCPUs=1; do
  scontrol update jobid="$job" $field || die "scontrol update $field failed"
done
echo "job $job changed to 1 node x 1 task while pending"
start_requeued "$job" "$log" idle
wait_jobs "$job" 300

# ---- checks ----
(( $(grep -c "preempted" "$log") >= 2 )) || die "fewer than 2 preemptions in the log"
(( $(grep -c "resumed from" "$log") == 2 )) || die "expected 2 resumes in the log"
grep -q "on 2 rank(s)" "$log" || die "no 2-rank start in the log"
grep -q "on 1 rank(s)" "$log" || die "the last start was not on 1 rank"
grep -q "micro-batch" "$log" || grep -q "accumulat" "$log" || die "the 1-rank resume did not say it accumulates micro-batches"
resume=$(grep "resumed from" "$log" | tail -1 | sed -E 's/.* at epoch ([0-9]+) step ([0-9]+).*/\1 \2/')
echo "last resume (1 rank) at epoch/step $resume"
python3 - "$work/reference/steps.csv" "$work/job/steps.csv" $resume <<'PY' || die "steps.csv differs from the uninterrupted run"
import csv, sys
ref, got = (list(csv.DictReader(open(p))) for p in sys.argv[1:3])
epoch, step = int(sys.argv[3]) - 1, int(sys.argv[4])   # the log's epoch is 1-based
assert len(ref) == len(got), f"{len(got)} rows, the uninterrupted run has {len(ref)}"
exact = worst = 0
for r, g in zip(ref, got):
    if (int(r["epoch"]), int(r["step"])) < (epoch, step):
        assert r == g, f"row {r['epoch']},{r['step']} before the 1-rank resume differs:\n{r}\n{g}"
        exact += 1
        continue
    for k in r:
        a, b = float(r[k]), float(g[k])
        d = abs(a - b) / max(abs(a), 1e-3)
        worst = max(worst, d)
        assert d < 1e-6, f"row {r['epoch']},{r['step']} column {k}: {a} vs {b}"
assert exact >= 20 and exact < len(ref), f"{exact} exact rows of {len(ref)}"
print(f"{exact} rows (2 nodes, before the 1-rank resume) equal bit for bit; "
      f"{len(ref) - exact} rows after it within relative {worst:.2e}")
PY
# The genotype (genotype.json also holds the α values, which differ in the last digits).
[ "$(grep '^final genotype' "$work/reference.log")" = "$(grep '^final genotype' "$log")" ] ||
  die "genotype differs from the uninterrupted run: $(grep '^final genotype' "$work/reference.log" "$log")"
grep '^final genotype' "$log"
echo "PASS: 2-node job $job (MPI over TCP between namespaces) preempted twice, resumed on 2 nodes, then on 1 node x 1 rank; matches the uninterrupted 2-rank run"
exit 0
