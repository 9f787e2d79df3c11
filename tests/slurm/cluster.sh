# A real single-node SLURM cluster for the tests in tests/slurm/ (sourced):
# munge, slurmctld and slurmd on this host with 2 CPUs, state in $work, all
# stopped and removed on exit (LDARTS_SLURM_KEEP=1 keeps $work). The caller
# defines skip (exit 77) and die, and may set $job for the cleanup to cancel.
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


# start_requeued JOB LOG [idle]: once JOB's log says it requeued itself and JOB
# is PENDING (and, with "idle", the node is idle: an immediate restart can race
# slurmd's cleanup of the old batch step), start it now instead of after
# SLURM's ~2-minute BeginTime. Dies when that does not happen within 3 minutes.
start_requeued() {
  local job=$1 log=$2 need_idle=${3:-} i state
  for i in $(seq 180); do
    state=$(squeue -h -j "$job" -o %T 2>/dev/null)
    if [ "$state" = PENDING ] && grep -q "requeueing" "$log" 2>/dev/null &&
       { [ -z "$need_idle" ] || sinfo -h -o %t | grep -q idle; }; then
      sleep 2
      scontrol update jobid="$job" StartTime=now && return 0
    fi
    [ -z "$state" ] && break
    sleep 1
  done
  die "job $job was not requeued"
}

# wait_jobs JOBS SECONDS: until squeue lists none of JOBS (comma-separated); dies after SECONDS.
wait_jobs() {
  local i
  for i in $(seq "$2"); do
    squeue -h -j "$1" 2>/dev/null | grep -q . || return 0
    sleep 1
  done
  die "jobs $1 did not finish: $(squeue 2>&1)"
}
