# Sourced by the job scripts in jobs/: launch ldarts on the job's tasks, pass
# SLURM's preemption signal on, and requeue the job when ldarts exits with 75
# (it has written a checkpoint; the next start resumes from it with --resume auto).
# A job never ends "successfully" with its run unfinished: a signal that comes
# before ldarts runs requeues the job, and a refused requeue ends it with 75.
#
# Settings (environment):
#   LDARTS_HOME    the ldarts clone (default: the folder sbatch was called from)
#   LDARTS_LAUNCH  srun (default; PMIx) or mpirun, for jobs of several tasks
#   LDARTS_SRUN_MPI   srun's --mpi plugin (default pmix)
set -uo pipefail

LDARTS_HOME=${LDARTS_HOME:-${SLURM_SUBMIT_DIR:-$PWD}}
LDARTS_BIN=${LDARTS_BIN:-$LDARTS_HOME/build/ldarts}
readonly kExitPreempted=75
# Relative CONFIG/OUT arguments name files as seen from where sbatch was called
# (SLURM_SUBMIT_DIR; $PWD outside SLURM), not from LDARTS_HOME, where the scripts cd.
LDARTS_SUBMIT_DIR=${SLURM_SUBMIT_DIR:-$PWD}

ldarts_log() { printf '[%s job %s] %s\n' "$(date +%H:%M:%S)" "${SLURM_JOB_ID:-local}" "$*"; }

# ldarts_abspath PATH: PATH itself when absolute, else the submit folder's PATH.
ldarts_abspath() {
  case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s\n' "$LDARTS_SUBMIT_DIR/${1#./}" ;;
  esac
}

# SLURM signals the batch shell (--signal=B:USR1@T, scancel --signal=USR1 --batch).
# The trap is set as soon as this file is sourced, so that no signal finds the shell
# without it (the default action would end the job unrequeued). Once ldarts runs,
# the signal goes on to it (srun and mpirun pass USR1 to every rank, which
# checkpoints and exits with 75); before that, ldarts_run does not start it.
ldarts_child=          # pid of the running launcher or ldarts
ldarts_signal_pending= # a signal came while no ldarts was running
ldarts_signal_sent=    # USR1 was passed on to ldarts
ldarts_on_signal() {
  if [ -n "$ldarts_child" ]; then
    ldarts_log "signal received: asking ldarts to checkpoint"
    ldarts_signal_sent=1
    kill -USR1 "$ldarts_child" 2>/dev/null
  else
    ldarts_log "signal received while ldarts is not running"
    ldarts_signal_pending=1
  fi
}
trap ldarts_on_signal USR1 TERM

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
  local rc reason
  if [ -n "$ldarts_signal_pending" ]; then
    reason="a signal came before ldarts started: not starting it"
    rc=$kExitPreempted
    ldarts_log "$reason"
  else
    ldarts_log "start (restart count ${SLURM_RESTART_COUNT:-0}, $ntasks task(s) on ${SLURM_JOB_NUM_NODES:-1} node(s)): ${launch[*]} $LDARTS_BIN $* --resume auto"
    "${launch[@]}" "$LDARTS_BIN" "$@" --resume auto &
    ldarts_child=$!
    if [ -n "$ldarts_signal_pending" ]; then
      # A signal between the check above and the line above found no child. Pass it
      # on, but only once the forked shell has become ldarts (a signal before that is lost).
      sleep 1
      ldarts_on_signal
    fi
    while true; do
      wait "$ldarts_child"
      rc=$?
      kill -0 "$ldarts_child" 2>/dev/null || break  # wait returned because of the trap: keep waiting
    done
    ldarts_child=
    ldarts_log "ldarts exited with $rc"
    reason="checkpoint written"
    if [ -n "$ldarts_signal_sent" ] && (( rc == 128 + $(kill -l USR1) )); then
      # The signal came before ldarts (or the launcher) had set its handler: it was
      # starting, so there was nothing new to save.
      reason="ldarts was ended by the signal while starting"
      rc=$kExitPreempted
    fi
  fi
  (( rc == kExitPreempted )) && [ -n "${SLURM_JOB_ID:-}" ] || exit "$rc"
  ldarts_log "$reason; requeueing job $SLURM_JOB_ID"
  scontrol requeue "$SLURM_JOB_ID"
  local requeue_rc=$?
  (( requeue_rc == 0 )) && exit 0
  # Exit 0 here would mark the job COMPLETED (and start its aftercorr dependants).
  ldarts_log "ERROR: 'scontrol requeue $SLURM_JOB_ID' failed (exit $requeue_rc), so the run is UNFINISHED:" \
    "ldarts $* --resume auto. To resume it, submit the same sbatch command again: it continues from the newest" \
    "checkpoint in the output folder (--resume auto). This job ends with exit code $kExitPreempted."
  exit "$kExitPreempted"
}
