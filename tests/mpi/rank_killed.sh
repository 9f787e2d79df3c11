#!/usr/bin/env bash
# A rank killed with SIGKILL in the middle of a 2-rank search (issue 15) must
# end the whole job within seconds with a message that names what happened,
# not leave the other rank waiting in a collective.
#   tests/mpi/rank_killed.sh LDARTS_BINARY
set -uo pipefail
bin=${1:?ldarts binary}
command -v mpirun > /dev/null || { echo "SKIP: no mpirun"; exit 77; }
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || { echo "SKIP: no dataset-fashion-mnist"; exit 77; }
work=$(mktemp -d /tmp/ldarts-rank-killed-XXXXXX)
trap 'pkill -9 -f "$work/run" 2>/dev/null; rm -rf "$work"' EXIT
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
mpirun --allow-run-as-root --oversubscribe -np 2 "$bin" search --config configs/tiny.toml --threads 1 --backend mpi \
  --log-every 1 --out "$work/run" > "$work/log" 2>&1 &
launcher=$!
for i in $(seq 600); do grep -q "step 3/" "$work/log" 2>/dev/null && break; sleep 0.1; done
grep -q "step 3/" "$work/log" || { echo "FAIL: the run did not start stepping"; cat "$work/log"; exit 1; }
victim=$(pgrep -f -- "--out $work/run" | grep -v "^$launcher$" | tail -1)
[ -n "$victim" ] || { echo "FAIL: no rank process found"; exit 1; }
start=$(date +%s.%N)
kill -9 "$victim"
wait "$launcher"
rc=$?
seconds=$(echo "$(date +%s.%N) - $start" | bc)
echo "rank pid $victim killed: the job ended with exit $rc after $seconds s"
tail -8 "$work/log"
[ "$rc" -ne 0 ] || { echo "FAIL: the job exited 0"; exit 1; }
pgrep -f -- "--out $work/run" > /dev/null && { echo "FAIL: a rank is still running"; exit 1; }
(( $(echo "$seconds < 30" | bc) )) || { echo "FAIL: it took $seconds s"; exit 1; }
grep -qiE "signal 9|killed|exited on signal" "$work/log" || { echo "FAIL: no message names the killed rank"; exit 1; }
echo "PASS"
