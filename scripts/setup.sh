#!/usr/bin/env bash
# Set up ldarts on this machine and build it. Idempotent: a second run only
# rebuilds what changed.
#   1. Debian packages (compiler, CMake, Open MPI, HDF5, CLI11, GoogleTest, zlib,
#      Fashion-MNIST, SLURM and munge for the job-script test) when one is missing;
#   2. LibTorch from the pinned PyPI torch wheel, in a virtual environment kept
#      in a cache outside the clone ($LDARTS_CACHE, default ~/.cache/ldarts),
#      unless Torch_DIR points at another LibTorch;
#   3. a small test venv with the tensorboard package ($LDARTS_CACHE/test-venv), used
#      only by the tests that read event files back with TensorBoard's own code
#      (they SKIP without it, so a failure there only warns);
#   4. configure (Ninja, ccache in the same cache) and build into build/.
# After it, the binary is build/ldarts and `ctest --test-dir build` runs the tests.
# LDARTS_WERROR=ON (set by .ci/run) makes compiler warnings errors in a fresh build/.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${LDARTS_CACHE:-$HOME/.cache/ldarts}
torch_version=${LDARTS_TORCH_VERSION:-2.11.0}
build_dir=${LDARTS_BUILD_DIR:-$root/build}
mkdir -p "$cache"

say() { printf '[setup] %s\n' "$*"; }

# ---- 1. Debian packages ---------------------------------------------------------
packages=(g++ cmake ninja-build ccache pkg-config python3 python3-venv
          libopenmpi-dev openmpi-bin libhdf5-dev hdf5-tools libcli11-dev
          libgtest-dev zlib1g-dev dataset-fashion-mnist slurm-wlm munge graphviz
          libmatio-dev libturbojpeg0-dev gnuplot-nox chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >"$cache/apt.log" 2>&1 \
    || { cat "$cache/apt.log"; echo "[setup] apt-get install failed (log above)" >&2; exit 1; }
fi

# ---- 2. LibTorch ---------------------------------------------------------------
cmake_args=()
if [ -n "${Torch_DIR:-}" ]; then
  say "using LibTorch from Torch_DIR=$Torch_DIR"
  cmake_args+=("-DTorch_DIR=$Torch_DIR")
else
  venv=$cache/venv
  py=$venv/bin/python
  have=$("$py" -c 'import torch; print(torch.__version__)' 2>/dev/null || true)
  if [[ "$have" != "$torch_version"* ]]; then
    say "installing torch==$torch_version into $venv (a large download, once)"
    [ -x "$py" ] || python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "torch==$torch_version" >"$cache/pip.log" 2>&1 \
      || { tail -20 "$cache/pip.log"; echo "[setup] pip install torch==$torch_version failed (log: $cache/pip.log)" >&2; exit 1; }
  fi
  prefix=$("$py" -c 'import torch.utils; print(torch.utils.cmake_prefix_path)' 2>/dev/null)
  cmake_args+=("-DCMAKE_PREFIX_PATH=$prefix")
fi

# ---- 3. test venv (tensorboard) ---------------------------------------------------
test_venv=$cache/test-venv
if ! "$test_venv/bin/python" -c 'import tensorboard' >/dev/null 2>&1; then
  say "installing tensorboard into $test_venv (for the event-file tests)"
  { [ -x "$test_venv/bin/python" ] || python3 -m venv "$test_venv"; } >"$cache/pip-test.log" 2>&1 \
    && "$test_venv/bin/pip" install -q --disable-pip-version-check tensorboard >>"$cache/pip-test.log" 2>&1 \
    || echo "[setup] warning: tensorboard not installed (log: $cache/pip-test.log); the tests that need it will skip" >&2
fi

# ---- 4. configure and build -------------------------------------------------------
export CCACHE_DIR=${CCACHE_DIR:-$cache/ccache}
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-4G}
export TORCH_CUDA_ARCH_LIST=${TORCH_CUDA_ARCH_LIST:-9.0}   # silences Torch's GPU probe; no CUDA code is compiled
if [ ! -f "$build_dir/build.ninja" ]; then
  say "configuring $build_dir"
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "${cmake_args[@]}" \
    -DLDARTS_WERROR="${LDARTS_WERROR:-OFF}" \
    >"$cache/configure.log" 2>&1 || { cat "$cache/configure.log"; exit 1; }
fi
say "building (log: $build_dir/build.log)"
start=$(date +%s)
if ! cmake --build "$build_dir" -j "$(nproc)" >"$build_dir/build.log" 2>&1; then
  grep -E "error|Error" -A3 "$build_dir/build.log" | head -60
  echo "[setup] build failed (full log: $build_dir/build.log)" >&2
  exit 1
fi
say "built $build_dir/ldarts in $(( $(date +%s) - start ))s"
