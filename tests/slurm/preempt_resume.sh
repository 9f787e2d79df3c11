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
die() { echo "FAIL: $*"; tail -15 "$work/slurmd.log" "$work/slurmctld.log" 2>/dev/null; [ -n "${job:-}" ] && scontrol show job "$job" 2>/dev/null | head -20; tail -40 "$work"/job-*.out 2>/dev/null; exit 1; }
[ "$(id -u)" -eq 0 ] || skip "needs root to start slurmd"
for cmd in slurmctld slurmd sbatch munged mpirun; do command -v $cmd >/dev/null || skip "$cmd not installed"; done
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || skip "dataset-fashion-mnist not installed"

work=$(mktemp -d /tmp/ldarts-slurm-XXXXXX)
host=$(hostname -s)
cleanup() {
  [ -n "${LDARTS_SLURM_KEEP:-}" ] && { echo "kept $work"; return; }
  [ -n "${job:-}" ] && scancel "$job" 2>/dev/null
  for f in "$work/slurmctld.pid" "$work/slurmd.pid"; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
  [ -n "${started_munge:-}" ] && [ -f /run/munge/munged.pid ] && kill "$(cat /run/munge/munged.pid)" 2>/dev/null
  sleep 1
  rm -rf "$work"
}
trap cleanup EXIT

# ---- munge ----
if ! (munge -n | unmunge) >/dev/null 2>&1; then
  mkdir -p /etc/munge /run/munge /var/lib/munge /var/log/munge
  [ -s /etc/munge/munge.key ] || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null
  chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge 2>/dev/null
  chmod 400 /etc/munge/munge.key
  su -s /bin/sh munge -c munged 2>/dev/null || munged --force 2>/dev/null || true
  started_munge=1
  sleep 1
  (munge -n | unmunge) >/dev/null 2>&1 || die "munged did not start"
fi

# ---- slurm ----
mkdir -p "$work/state" "$work/spool"
export SLURM_CONF=$work/slurm.conf
cat > "$SLURM_CONF" <<CONF
ClusterName=ldarts-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
ReturnToService=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
NodeName=$host CPUs=2 RealMemory=4000 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -f "$SLURM_CONF" || die "slurmctld did not start ($(tail -5 $work/slurmctld.log 2>/dev/null))"
slurmd -f "$SLURM_CONF" || die "slurmd did not start"
for i in $(seq 60); do sinfo -h -o %t 2>/dev/null | grep -q idle && break; sleep 1; done
sinfo -h -o %t | grep -q idle || die "node not idle: $(sinfo 2>&1)"

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
  local requeued= state
  for i in $(seq 180); do
    state=$(squeue -h -j "$job" -o %T 2>/dev/null)
    if [ "$state" = PENDING ] && grep -q "requeueing" "$work/job-$job.out" 2>/dev/null && \
       sinfo -h -o %t | grep -q idle; then
      sleep 2
      scontrol update jobid="$job" StartTime=now && requeued=1 && break
    fi
    [ -z "$state" ] && break
    sleep 1
  done
  [ -n "$requeued" ] || die "job $job was not requeued"
  for i in $(seq 300); do
    squeue -h -j "$job" 2>/dev/null | grep -q . || break
    sleep 1
  done
  squeue -h -j "$job" 2>/dev/null | grep -q . && die "job $job did not finish"
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
