#!/usr/bin/env bash
# The GPU check of ldarts, in one script (docs/benchmarks.md, "GPU").
#
#   here:   bash scripts/device-check.sh --prepare
#           copies build/ldarts, build/tests/ldarts_tests and the shared
#           libraries they need beyond LibTorch (Open MPI, HDF5, matio,
#           TurboJPEG and their dependencies) into .device/ (git-ignored).
#           The binaries link the CUDA LibTorch of the pinned PyPI wheel
#           (torch 2.11.0+cu130), the same build the device machine's
#           /opt/torch/.venv holds, so they run there against its libraries.
#   there:  bash scripts/device-check.sh --out "$OUT/device-check.txt"
#           (with .device carried) runs on the GPU:
#             1. the libraries resolve (ldd) and the GPU is seen;
#             2. the test suite, CUDA tests included (CPU vs CUDA search steps
#                in float64; fused vs per-edge cells on CUDA);
#             3. ldarts bench --fidelity on CUDA (float32 against float64, TF32 on/off);
#                ldarts bench on CUDA: NB201 C=16 N=5 b64, DARTS space L=8
#                C=16 b64, ImageNet search network b256 K=2, for DARTS and
#                each Λ mode, fused/per-edge cells × NHWC/NCHW, TF32 on/off;
#             4. the projected wall time of a 50-epoch DARTS-space Λ-DARTS
#                CIFAR-10 search on one GPU.
#           Everything goes to the --out file.
#   dry run here: bash scripts/device-check.sh --prepare && \
#           bash scripts/device-check.sh --dry-run --out /tmp/device-check.txt
#           every step on the CPU with tiny shapes.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bundle=$root/.device
out=""
mode=device
while (($#)); do
  case "$1" in
    --prepare) mode=prepare ;;
    --dry-run) mode=dry ;;
    --out) out=${2:-}; shift ;;
    *) echo "device-check: unknown argument '$1' (--prepare | --dry-run | --out FILE)" >&2; exit 2 ;;
  esac
  shift
done

# ---- prepare (here) ------------------------------------------------------------------
if [ "$mode" = prepare ]; then
  for f in build/ldarts build/tests/ldarts_tests; do
    [ -x "$root/$f" ] || { echo "device-check: $f is missing: run scripts/setup.sh first" >&2; exit 1; }
  done
  rm -rf "$bundle" && mkdir -p "$bundle/lib"
  grep -qx '/.device/' "$root/.git/info/exclude" 2>/dev/null || echo '/.device/' >>"$root/.git/info/exclude"
  # Every library the binaries load from the system, except glibc's and the
  # compiler runtime (present on any Linux) and LibTorch/CUDA (the device's own).
  ldd "$root/build/ldarts" "$root/build/tests/ldarts_tests" | awk '$3 ~ /^\// {print $3}' | sort -u |
    grep -v -E '/(libc|libm|libdl|librt|libpthread|libstdc\+\+|libgcc_s|ld-linux[^/]*)\.so|/torch/lib/|/nvidia/' |
    while read -r lib; do cp -L "$lib" "$bundle/lib/"; done
  # Open MPI loads its components at run time; one process needs none of them.
  du -sh "$bundle" | awk '{print "device-check: prepared .device (" $1 "); carry .device, build/ldarts, build/tests/ldarts_tests"}'
  exit 0
fi

[ -n "$out" ] || { echo "device-check: --out FILE is required" >&2; exit 2; }
mkdir -p "$(dirname "$out")"
: >"$out"
log() { printf '%s\n' "$*" | tee -a "$out"; }
run() {  # run a command, its output into the log; never stop the script
  log "\$ $*"
  "$@" 2>&1 | tee -a "$out"
  local rc=${PIPESTATUS[0]}
  log "(exit $rc)"
  return 0
}

[ -d "$bundle/lib" ] || { echo "device-check: .device/ is missing: run --prepare here and carry .device" >&2; exit 1; }
if [ "$mode" = device ]; then
  py=${LDARTS_DEVICE_PYTHON:-/opt/torch/.venv/bin/python3}
  [ -x "$py" ] || py=python3
else
  py=${LDARTS_CACHE:-$HOME/.cache/ldarts}/venv/bin/python
fi
torch_lib=$("$py" -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
export LD_LIBRARY_PATH="$bundle/lib:$torch_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# The binaries carry this checkout's path (test data, the ldarts binary the
# tests start): give the copy on the device the same path.
build_root=$(strings "$root/build/tests/ldarts_tests" | grep -m1 -o '/[^ ]*/build/ldarts$' | sed 's|/build/ldarts$||')
if [ -n "$build_root" ] && [ "$build_root" != "$root" ] && [ ! -e "$build_root" ]; then
  mkdir -p "$(dirname "$build_root")" && ln -s "$root" "$build_root"
fi
bin=$root/build/ldarts

log "# ldarts device check, $(date -u +%FT%TZ), mode $mode"
log "torch libraries: $torch_lib"
run "$py" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available()); print(torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU")'
command -v nvidia-smi >/dev/null && run nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv
missing=$(ldd "$bin" "$root/build/tests/ldarts_tests" | grep "not found" | sort -u)
[ -z "$missing" ] && log "libraries: all resolved" || log "libraries NOT found: $missing"
run "$bin" --version

# ---- 2. tests ---------------------------------------------------------------------------
if [ "$mode" = device ]; then
  # The whole suite; tests that need Debian's Fashion-MNIST, Graphviz or
  # mpirun (absent there) are expected to fail and are listed as such.
  run env OMP_NUM_THREADS=4 "$root/build/tests/ldarts_tests" --gtest_brief=1
else
  run env OMP_NUM_THREADS=1 "$root/build/tests/ldarts_tests" --gtest_brief=1 --gtest_filter='Cuda.*:CellKernel.*:FusedEdges.*'
fi

# ---- 3. benchmarks ------------------------------------------------------------------------
if [ "$mode" = device ]; then
  dev=(--device cuda --warmup 3 --repeats 5)
  nb201=(--network nb201 --channels 16 --cells-per-stage 5 --batch-size 64)
  darts=(--network darts --layers 8 --channels 16 --batch-size 64)
  imagenet=(--network imagenet --layers 8 --channels 16 --batch-size 256)
  all_methods=(--methods darts central forward backward signcorr)
else
  dev=(--device cpu --threads 2 --warmup 0 --repeats 1)
  nb201=(--network nb201 --channels 4 --cells-per-stage 1 --batch-size 8)
  darts=(--network darts --layers 5 --channels 4 --batch-size 8)
  imagenet=(--network imagenet --layers 5 --channels 8 --batch-size 4 --image-size 64)
  all_methods=(--methods darts central)
fi
variants=(--cell-kernels fused per-edge --layouts nhwc nchw)
# Float32 fidelity (docs/benchmarks.md): one Λ step in float32 against float64 from identical
# state, medians over states, per variant; cuDNN's batch norm and TF32 are the questions here.
if [ "$mode" = device ]; then
  fidelity=(--device cuda --fidelity --seeds 5 --network nb201 --channels 8 --cells-per-stage 2 --batch-size 64 --image-size 16)
else
  fidelity=(--device cpu --threads 2 --fidelity --seeds 1 --network nb201 --channels 4 --cells-per-stage 1 --batch-size 8 --image-size 8)
fi
log "## float32 fidelity (NB201, Λ central)"
run "$bin" bench "${fidelity[@]}" --methods central "${variants[@]}"
run "$bin" bench "${fidelity[@]}" --methods central --cell-kernels fused --layouts nhwc --tf32 true
log "## NB201 supernet"
run "$bin" bench "${dev[@]}" "${nb201[@]}" "${all_methods[@]}" "${variants[@]}"
run "$bin" bench "${dev[@]}" "${nb201[@]}" --methods darts central --tf32 true
log "## DARTS space"
run "$bin" bench "${dev[@]}" "${darts[@]}" "${all_methods[@]}" "${variants[@]}"
run "$bin" bench "${dev[@]}" "${darts[@]}" --methods darts central --tf32 true
log "## ImageNet search network (K=2, edge normalization)"
run "$bin" bench "${dev[@]}" "${imagenet[@]}" --methods darts central --cell-kernels fused per-edge --layouts nhwc
run "$bin" bench "${dev[@]}" "${imagenet[@]}" --methods darts central --tf32 true
if [ "$mode" = device ]; then
  log "## one profiled DARTS-space Λ step (fused, NHWC)"
  run "$bin" bench "${dev[@]}" "${darts[@]}" --methods central --repeats 1 --profile 25
fi

# ---- 4. projection ------------------------------------------------------------------------
# 50 epochs of 25,000 ω images / 64 = 391 steps; the DARTS-space Λ-DARTS
# central step (fused, NHWC, fp32) from the table above; validation adds one
# forward pass over 25,000 images per epoch (about a third of a DARTS step per batch, counted as such).
ms=$(grep -A30 '^## DARTS space' "$out" | grep -m1 'Λ-DARTS corr, central | fused/nhwc' | awk -F'|' '{gsub(/ /, "", $4); print $4}')
if [ -n "$ms" ]; then
  darts_ms=$(grep -A30 '^## DARTS space' "$out" | grep -m1 'DARTS (1st order) | fused/nhwc' | awk -F'|' '{gsub(/ /, "", $4); print $4}')
  awk -v ms="$ms" -v d="$darts_ms" 'BEGIN {
    steps = 50 * 391; h = (steps * ms + 50 * 391 * d / 3) / 3.6e6;
    printf "projection: 50 epochs x 391 steps x %.1f ms (+ validation) = %.2f h on this device\n", ms, h }' | tee -a "$out"
fi
log "# done"
