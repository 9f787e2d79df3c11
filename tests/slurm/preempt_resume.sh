#!/usr/bin/env bash
# A real single-node SLURM cluster (munge, slurmctld, slurmd on localhost, 2 CPUs):
# submits the tiny 2-rank search through jobs/search-tiny-cpu.sbatch, preempts it
# midway with USR1, lets SLURM requeue it, and checks that it resumed from its
# checkpoint and finished with the same steps and genotype as an uninterrupted run;
# then the same for a tiny 2-rank evaluation training (jobs/train-tiny-cpu.sbatch),
# whose per-epoch metrics must equal the uninterrupted run's.
# Exit 77 (ctest: skipped) when SLURM or munge is not installed or we are not root.
#   tests/slurm/preempt_resume.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=${1:?source dir}
build=${2:?build dir}
skip() { echo "SKIP: $*"; exit 77; }
die() { echo "FAIL: $*"; tail -15 "$work"/slurmd*.log "$work/slurmctld.log" 2>/dev/null; [ -n "${job:-}" ] && scontrol show job "$job" 2>/dev/null | head -20; tail -40 "$work"/job-*.out 2>/dev/null; exit 1; }
source "$(dirname "${BASH_SOURCE[0]}")/cluster.sh"

# ---- the run, uninterrupted (reference) ----
args=(--dataset fashion-mnist --channels 4 --cells-per-stage 1 --batch-size 16 --epochs 2 --max-steps 40
      --eval-steps 2 --seed 7 --lambda 0.5 --fd-mode interleaved --checkpoint-every 5 --log-every 10)
cd "$src"
mpirun --allow-run-as-root --oversubscribe -np 2 "$build/ldarts" search --config configs/tiny.toml --out "$work/reference" \
  --threads 1 --backend mpi "${args[@]}" > "$work/reference.log" 2>&1 || die "reference run failed: $(tail -5 $work/reference.log)"

# ---- the same run as a SLURM job, preempted midway ----
export LDARTS_HOME=$src LDARTS_BIN=$build/ldarts LDARTS_LAUNCH=mpirun
# preempt_job SCRIPT PROGRESS_COMMAND ARGS...: submits, waits until PROGRESS_COMMAND
# succeeds, sends USR1, starts the requeued job at once and waits for its end.
preempt_job() {
  local script=$1 progress=$2
  shift 2
  job=$(sbatch --parsable --chdir "$work" --output "$work/job-%j.out" "$src/jobs/$script" "$@") || die "sbatch failed"
  echo "submitted job $job ($script)"
  local i ok=
  for i in $(seq 240); do eval "$progress" && ok=1 && break; sleep 0.5; done
  [ -n "$ok" ] || die "job $job did not start stepping"
  scancel --signal=USR1 --batch "$job" || die "scancel failed"
  echo "sent USR1 to job $job"
  # Requeued jobs wait ~2 minutes (BeginTime). Start it at once, but only after the
  # preempted instance has left the node (node idle): an immediate restart races
  # slurmd's cleanup of the old batch step and fails to launch.
  start_requeued "$job" "$work/job-$job.out" idle
  wait_jobs "$job" 300
  local out
  out=$(cat "$work/job-$job.out")
  grep -q "preempted" <<<"$out" || die "no preemption in the log of job $job"
  grep -q "requeueing job" <<<"$out" || die "job $job did not requeue itself"
  grep -q "resumed from" <<<"$out" || die "the restarted job $job did not resume from a checkpoint"
}

preempt_job search-tiny-cpu.sbatch '[ -f "$work/job/steps.csv" ] && (( $(wc -l < "$work/job/steps.csv") > 12 ))' \
  configs/tiny.toml "$work/job" "${args[@]}"
search_job=$job
cmp -s "$work/reference/genotype.json" "$work/job/genotype.json" || die "genotype differs from the uninterrupted run"
cmp -s "$work/reference/steps.csv" "$work/job/steps.csv" || die "steps.csv differs from the uninterrupted run"
echo "PASS: search job $search_job was preempted, requeued, resumed, and matches the uninterrupted run"

# ---- evaluation training (DARTS_V2, C=8, 5 cells), the same way (jobs/train-tiny-cpu.sbatch) ----
targs=(--genotype tests/data/darts_v2.txt --batch-size 32 --epochs 2 --max-steps 20 --eval-steps 2 --test false
       --checkpoint-every 4 --keep-checkpoints 100 --log-every 4)
mpirun --allow-run-as-root --oversubscribe -np 2 "$build/ldarts" train --config configs/train-tiny.toml \
  --out "$work/train-reference" --threads 1 --backend mpi "${targs[@]}" > "$work/train-reference.log" 2>&1 \
  || die "reference training failed: $(tail -5 $work/train-reference.log)"
preempt_job train-tiny-cpu.sbatch '(( $(ls "$work/train-job"/checkpoint-*.h5 2>/dev/null | wc -l) >= 2 ))' \
  configs/train-tiny.toml "$work/train-job" "${targs[@]}"
# metrics.csv without the seconds column
cmp -s <(cut -d, -f1-9 "$work/train-reference/metrics.csv") <(cut -d, -f1-9 "$work/train-job/metrics.csv") \
  || die "training metrics differ from the uninterrupted run: $(cat "$work/train-job/metrics.csv")"
echo "PASS: training job $job was preempted, requeued, resumed, and matches the uninterrupted run:"
cat "$work/train-job/metrics.csv"
exit 0
