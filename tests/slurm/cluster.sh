# A real SLURM cluster for the tests in tests/slurm/ (sourced): munge and
# slurmctld once, and either one slurmd on this host with 2 CPUs (the default) or,
# with nodes=2 set before sourcing, two "nodes" of 1 CPU each: two network
# namespaces joined by a veth pair (10.77.0.1 and 10.77.0.2), one `slurmd -N nodeX`
# in each, slurmctld in the first. The namespaces share the file system (as a
# cluster's shared file system) but not the network: MPI between the two nodes goes
# over TCP on the veth pair. In that mode the SLURM client commands (sbatch, squeue,
# scontrol, scancel, sinfo) are shell functions that run inside the first namespace.
# Everything is stopped and removed on exit (LDARTS_SLURM_KEEP=1 keeps $work). The
# caller defines skip (exit 77) and die, and may set $job for the cleanup to cancel.
nodes=${nodes:-1}
[ "$(id -u)" -eq 0 ] || skip "needs root to start slurmd"
for cmd in slurmctld slurmd sbatch munged mpirun; do command -v $cmd >/dev/null || skip "$cmd not installed"; done
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || skip "dataset-fashion-mnist not installed"
if [ "$nodes" = 2 ]; then
  for cmd in ip nsenter; do command -v $cmd >/dev/null || skip "$cmd not installed (two-node cluster)"; done
  netns=(ldarts-$$-1 ldarts-$$-2)
  ip netns add "${netns[0]}" 2>/dev/null || skip "ip netns add failed (no network namespaces here)"
  ip netns del "${netns[0]}"
fi

work=$(mktemp -d /tmp/ldarts-slurm-XXXXXX)
host=$(hostname -s)
cleanup() {
  [ -n "${LDARTS_SLURM_KEEP:-}" ] && { echo "kept $work"; return; }
  [ -n "${job:-}" ] && scancel "$job" 2>/dev/null
  for f in "$work"/slurm*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
  [ -n "${started_munge:-}" ] && [ -f /run/munge/munged.pid ] && kill "$(cat /run/munge/munged.pid)" 2>/dev/null
  sleep 1
  for ns in "${netns[@]}"; do ip netns del "$ns" 2>/dev/null; done  # deletes the veth pair too
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
if [ "$nodes" = 2 ]; then
  ip netns add "${netns[0]}" && ip netns add "${netns[1]}" || die "ip netns add failed"
  veth=(ldv$$a ldv$$b)
  ip link add "${veth[0]}" type veth peer name "${veth[1]}" || die "ip link add veth failed"
  for i in 0 1; do
    ip link set "${veth[i]}" netns "${netns[i]}" && ip -n "${netns[i]}" addr add 10.77.0.$((i + 1))/24 dev "${veth[i]}" &&
      ip -n "${netns[i]}" link set "${veth[i]}" up && ip -n "${netns[i]}" link set lo up || die "veth set-up failed"
  done
  # nsenter, not `ip netns exec`: the latter remounts /sys, and slurmd needs /sys/fs/cgroup.
  in_node1=(nsenter --net=/run/netns/${netns[0]})
  in_node2=(nsenter --net=/run/netns/${netns[1]})
  for cmd in sbatch squeue scontrol scancel sinfo; do eval "$cmd() { \"\${in_node1[@]}\" $(command -v $cmd) \"\$@\"; }"; done
  controller="$host(10.77.0.1)"
  node_lines="NodeName=node1 NodeHostname=$host NodeAddr=10.77.0.1 CPUs=1 RealMemory=4000 State=UNKNOWN
NodeName=node2 NodeHostname=$host NodeAddr=10.77.0.2 CPUs=1 RealMemory=4000 State=UNKNOWN
PartitionName=debug Nodes=node1,node2 Default=YES MaxTime=INFINITE State=UP"
else
  in_node1=()
  controller=$host
  node_lines="NodeName=$host CPUs=2 RealMemory=4000 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP"
fi
cat > "$SLURM_CONF" <<CONF
ClusterName=ldarts-test
SlurmctldHost=$controller
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
SlurmdParameters=config_overrides
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool/%n
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd-%n.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd-%n.log
SlurmctldPort=16817
SlurmdPort=16818
$node_lines
CONF
"${in_node1[@]}" slurmctld -f "$SLURM_CONF" || die "slurmctld did not start ($(tail -5 $work/slurmctld.log 2>/dev/null))"
if [ "$nodes" = 2 ]; then
  "${in_node1[@]}" slurmd -f "$SLURM_CONF" -N node1 && "${in_node2[@]}" slurmd -f "$SLURM_CONF" -N node2 || die "slurmd did not start"
else
  slurmd -f "$SLURM_CONF" || die "slurmd did not start"
fi
for i in $(seq 60); do [ "$(sinfo -h -o %t 2>/dev/null)" = idle ] && break; sleep 1; done
[ "$(sinfo -h -o %t)" = idle ] || die "nodes not idle: $(sinfo 2>&1)"


# start_requeued JOB LOG [idle]: once JOB's log says it requeued itself and JOB
# is PENDING (and, with "idle", every node is idle: an immediate restart can race
# slurmd's cleanup of the old batch step), start it now instead of after
# SLURM's ~2-minute BeginTime. Dies when that does not happen within 3 minutes.
start_requeued() {
  local job=$1 log=$2 need_idle=${3:-} i state
  for i in $(seq 180); do
    state=$(squeue -h -j "$job" -o %T 2>/dev/null)
    if [ "$state" = PENDING ] && grep -q "requeueing" "$log" 2>/dev/null &&
       { [ -z "$need_idle" ] || [ "$(sinfo -h -o %t)" = idle ]; }; then
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
