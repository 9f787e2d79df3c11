# Sourced by the job scripts in jobs/: launch ldarts on the job's tasks, pass
# SLURM's preemption signal on, and requeue the job when ldarts exits with 75
# (it has written a checkpoint; the next start resumes from it with --resume auto).
#
# Settings (environment):
#   LDARTS_HOME    the ldarts clone (default: the folder sbatch was called from)
#   LDARTS_LAUNCH  srun (default; PMIx) or mpirun, for jobs of several tasks
#   LDARTS_SRUN_MPI   srun's --mpi plugin (default pmix)
set -uo pipefail

LDARTS_HOME=${LDARTS_HOME:-${SLURM_SUBMIT_DIR:-$PWD}}
LDARTS_BIN=${LDARTS_BIN:-$LDARTS_HOME/build/ldarts}
readonly kExitPreempted=75

ldarts_log() { printf '[%s job %s] %s\n' "$(date +%H:%M:%S)" "${SLURM_JOB_ID:-local}" "$*"; }

# ldarts_tasks: the tasks of this allocation. A requeued job may get another node
# count (scontrol update NumNodes=...), but SLURM_NTASKS keeps the value of the first
# submission; SLURM_TASKS_PER_NODE ("2(x3),1" = 2+2+2+1) describes the allocation the
# job has now.
ldarts_tasks() {
  local item total=0
  if [ -n "${SLURM_TASKS_PER_NODE:-}" ]; then
    for item in ${SLURM_TASKS_PER_NODE//,/ }; do
      if [[ $item =~ ^([0-9]+)\(x([0-9]+)\)$ ]]; then total=$((total + BASH_REMATCH[1] * BASH_REMATCH[2]))
      else total=$((total + item)); fi
    done
  fi
  (( total > 0 )) || total=${SLURM_NTASKS:-1}
  echo "$total"
}

# ldarts_run SUBCOMMAND ARGS... : runs the subcommand on every task with --resume auto.
ldarts_run() {
  [ -x "$LDARTS_BIN" ] || { ldarts_log "no ldarts binary at $LDARTS_BIN (run scripts/setup.sh, or set LDARTS_HOME)"; exit 1; }
  local ntasks launch=()
  ntasks=$(ldarts_tasks)
  # One task still goes through the launcher when the options ask for MPI/NCCL
  # (a job requeued onto 1 task keeps its --backend mpi).
  if (( ntasks > 1 )) || [[ " $* " =~ \ --backend[=\ ](mpi|nccl)\  ]]; then
    case "${LDARTS_LAUNCH:-srun}" in
      srun) launch=(srun --ntasks="$ntasks" --mpi="${LDARTS_SRUN_MPI:-pmix}" --kill-on-bad-exit=1) ;;
      mpirun)
        launch=(mpirun --oversubscribe -np "$ntasks")
        [ "$(id -u)" -eq 0 ] && launch+=(--allow-run-as-root) ;;
      *) ldarts_log "LDARTS_LAUNCH must be srun or mpirun"; exit 1 ;;
    esac
  fi
  ldarts_log "start (restart count ${SLURM_RESTART_COUNT:-0}, $ntasks task(s) on ${SLURM_JOB_NUM_NODES:-1} node(s)): ${launch[*]} $LDARTS_BIN $* --resume auto"
  "${launch[@]}" "$LDARTS_BIN" "$@" --resume auto &
  local child=$!
  # SLURM signals the batch shell (--signal=B:USR1@T, scancel --signal=USR1 --batch);
  # srun and mpirun pass USR1 on to every rank, which checkpoints and exits with 75.
  trap 'ldarts_log "signal received: asking ldarts to checkpoint"; kill -USR1 $child 2>/dev/null' USR1 TERM
  local rc
  while true; do
    wait "$child"
    rc=$?
    kill -0 "$child" 2>/dev/null || break  # wait returned because of the trap: keep waiting
  done
  trap - USR1 TERM
  if (( rc == kExitPreempted )) && [ -n "${SLURM_JOB_ID:-}" ]; then
    ldarts_log "checkpoint written; requeueing job $SLURM_JOB_ID"
    scontrol requeue "$SLURM_JOB_ID"
    exit 0
  fi
  ldarts_log "ldarts exited with $rc"
  exit "$rc"
}
