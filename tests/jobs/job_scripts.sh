#!/usr/bin/env bash
# The job scripts in jobs/ (and jobs/common.sh) without SLURM: each runs as SLURM
# would run it (job 123, submitted from one folder, started in another) with a
# fake scontrol, srun and ldarts on PATH, and must
#   1. end non-zero, saying the run is unfinished and how to resume it, when ldarts
#      exits 75 and `scontrol requeue` is refused (exit 0 only when it is accepted);
#   2. survive USR1 at any moment, requeueing instead of dying by it: just before
#      ldarts is launched, right when it starts (before it could set its handler),
#      and while sweep.sbatch resolves its task;
#   3. read relative CONFIG/OUT (GRID/OUT for sweep.sbatch) from the submit folder,
#      though the scripts cd to LDARTS_HOME, and keep absolute ones as they are.
# Needs only bash.
#   tests/jobs/job_scripts.sh SOURCE_DIR
set -uo pipefail
src=$(cd "${1:?source dir}" && pwd)
for v in $(compgen -e | grep '^SLURM_'); do unset "$v"; done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
submit="$work/sub mit"   # a space, to check the quoting too
mkdir -p "$work/bin" "$submit" "$work/elsewhere"
export FAKE_LOG=$work/calls.log FAKE_BATCH_PID=$work/batch.pid
failures=0
fail() { echo "FAIL: $*"; echo "--- job output:"; echo "$out"; echo "--- calls:"; cat "$FAKE_LOG"; echo "---"; failures=$((failures + 1)); }

cat > "$work/bin/scontrol" <<'EOF'
#!/bin/bash
echo "scontrol $*" >> "$FAKE_LOG"
[ "${FAKE_SCONTROL_RC:-0}" = 0 ] || echo "scontrol: error: Requeue of job $2 refused (fake)" >&2
exit "${FAKE_SCONTROL_RC:-0}"
EOF
cat > "$work/bin/srun" <<'EOF'
#!/bin/bash
while [[ ${1:-} == -* ]]; do shift; done
exec "$@"
EOF
# FAKE_MODE: done (exit 0), preempted (exit 75), signal-parent (sets its USR1 handler,
# then signals the batch shell, its parent), no-handler (signals its parent with no
# handler of its own), wait-signal (waits for USR1, then exits 75).
cat > "$work/bin/ldarts" <<'EOF'
#!/bin/bash
{ printf 'ldarts'; printf ' <%s>' "$@"; echo; } >> "$FAKE_LOG"
if [ "$1" = sweep ]; then  # sweep GRID --out OUT --task I --stage S --print-args
  [ "$FAKE_MODE" = signal-in-sweep ] && kill -USR1 "$(cat "$FAKE_BATCH_PID")"
  printf '%s\n' search --config configs/tiny.toml --out "$4/seed=1"
  exit 0
fi
wait_for_usr1() { for _ in $(seq 100); do sleep 0.1; done; echo "ldarts: no USR1 came"; exit 0; }
case $FAKE_MODE in
  done) exit 0 ;;
  preempted) exit 75 ;;
  signal-parent) trap 'echo "ldarts got USR1" >> "$FAKE_LOG"; exit 75' USR1; kill -USR1 $PPID; wait_for_usr1 ;;
  no-handler) kill -USR1 $PPID; wait_for_usr1 ;;
  wait-signal|signal-in-sweep) trap 'echo "ldarts got USR1" >> "$FAKE_LOG"; exit 75' USR1; wait_for_usr1 ;;
esac
EOF
chmod +x "$work/bin/"*

# run [VAR=VALUE...] [--hook-launch] SCRIPT ARGS...: runs jobs/SCRIPT as SLURM would; sets rc and out.
# --hook-launch sends USR1 to the batch shell just before the line that launches ldarts
# (a DEBUG trap), the moment where no trap was set before the fix.
run() {
  local env=(SLURM_JOB_ID=123 "SLURM_SUBMIT_DIR=$submit" LDARTS_HOME="$src" LDARTS_BIN="$work/bin/ldarts"
             PATH="$work/bin:$PATH" FAKE_MODE=done)
  while [[ $1 == *=* ]]; do env+=("$1"); shift; done
  local shell=(bash -c 'echo $$ > "$FAKE_BATCH_PID"; exec bash "$0" "$@"')
  if [ "$1" = --hook-launch ]; then
    shift
    shell=(bash -c 'set -T; trap '\''if [[ -z ${hooked:-} && $BASH_COMMAND == *"\"\$LDARTS_BIN\" \"\$@\" --resume auto"* ]];
                    then hooked=1; echo "hook: USR1 before the launch" >> "$FAKE_LOG"; kill -USR1 $$; fi'\'' DEBUG
                    source "$0" "$@"')
  fi
  : > "$FAKE_LOG"
  out=$(cd "$work/elsewhere" && env "${env[@]}" timeout 60 "${shell[@]}" "$src/jobs/$1" "${@:2}" 2>&1)
  rc=$?
}
requeued() { grep -qx "scontrol requeue 123" "$FAKE_LOG"; }

# ---- 1. a refused requeue ends the job non-zero, with what to do ----
run FAKE_MODE=preempted FAKE_SCONTROL_RC=1 search-cifar.sbatch configs/tiny.toml runs/x
if (( rc == 0 )) || ! requeued || ! grep -q "UNFINISHED" <<<"$out" \
   || ! grep -q "submit the same sbatch command again" <<<"$out"; then
  fail "1: refused requeue: exit $rc (want non-zero) and a message saying the run is unfinished and how to resume"
fi
run FAKE_MODE=preempted search-cifar.sbatch configs/tiny.toml runs/x
(( rc == 0 )) && requeued || fail "1: accepted requeue: exit $rc (want 0), scontrol requeue 123 called"
run FAKE_MODE=done search-cifar.sbatch configs/tiny.toml runs/x
(( rc == 0 )) && ! requeued || fail "1: finished run: exit $rc (want 0), no requeue"

# ---- 2. USR1 at any moment requeues, never kills the batch shell ----
run FAKE_MODE=wait-signal --hook-launch search-cifar.sbatch configs/tiny.toml runs/x
grep -q "^hook:" "$FAKE_LOG" || fail "2: the test's hook did not find the launch line in jobs/common.sh"
(( rc == 0 )) && requeued || fail "2: USR1 just before the launch: exit $rc (want 0: requeued)"
run FAKE_MODE=signal-parent search-cifar.sbatch configs/tiny.toml runs/x
(( rc == 0 )) && requeued && grep -q "ldarts got USR1" "$FAKE_LOG" \
  || fail "2: USR1 as ldarts starts: exit $rc (want 0: USR1 passed on to ldarts, requeued)"
run FAKE_MODE=no-handler search-cifar.sbatch configs/tiny.toml runs/x
(( rc == 0 )) && requeued || fail "2: USR1 before ldarts set its handler: exit $rc (want 0: requeued)"
run FAKE_MODE=signal-in-sweep SLURM_ARRAY_TASK_ID=0 sweep.sbatch grid.toml sweep-out
if (( rc != 0 )) || ! requeued || grep -q "^ldarts <search>" "$FAKE_LOG"; then
  fail "2: USR1 while sweep.sbatch resolves its task: exit $rc (want 0: requeued without starting the search)"
fi

# ---- 3. relative CONFIG and OUT are the submit folder's; absolute ones stay ----
for script in search-cifar search-imagenet search-tiny-cpu train-cifar train-imagenet train-tiny-cpu; do
  run "$script.sbatch" cfg/a.toml ./runs/a --seed 3
  grep -qF "<--config> <$submit/cfg/a.toml> <--out> <$submit/runs/a>" "$FAKE_LOG" \
    || fail "3: $script.sbatch: relative CONFIG/OUT not resolved against SLURM_SUBMIT_DIR"
  run "$script.sbatch" /abs/a.toml /abs/runs/a
  grep -qF "<--config> </abs/a.toml> <--out> </abs/runs/a>" "$FAKE_LOG" || fail "3: $script.sbatch: absolute paths changed"
done
run SLURM_SUBMIT_DIR= search-tiny-cpu.sbatch cfg/a.toml runs/a
grep -qF "<--config> <$work/elsewhere/cfg/a.toml> <--out> <$work/elsewhere/runs/a>" "$FAKE_LOG" \
  || fail "3: without SLURM_SUBMIT_DIR, relative paths not resolved against the working folder"
run SLURM_ARRAY_TASK_ID=0 sweep.sbatch grid.toml sweep-out
grep -qF "ldarts <sweep> <$submit/grid.toml> <--out> <$submit/sweep-out>" "$FAKE_LOG" \
  && grep -qF "<--out> <$submit/sweep-out/seed=1>" "$FAKE_LOG" \
  || fail "3: sweep.sbatch: relative GRID/OUT not resolved against SLURM_SUBMIT_DIR"

(( failures == 0 )) || { echo "$failures check(s) failed"; exit 1; }
echo "PASS: refused requeue, USR1 at launch and in sweep.sbatch, relative paths"
