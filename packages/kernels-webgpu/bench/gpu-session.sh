#!/usr/bin/env bash
# Everything to measure when a real GPU is at hand, in one run (the device machine may be lent
# for minutes only): the WGSL parity check, the backend bench with its per-kernel profile and
# matmul up to 4096² beside TF.js webgpu, the matmul block sweeps (rows; rows × columns), row sums
# with and without subgroups, float16 against float32 matmul, the rnn-lm LSTM LM step, and the
# lesson apps on --backend webgpu. Every output goes to $OUT (default out/gpu-session) with the
# adapter's name in each file, to be copied into the READMEs.
#
#   NODE=/path/to/node bash packages/kernels-webgpu/bench/gpu-session.sh
#   ONLY='parity|rows' bash packages/kernels-webgpu/bench/gpu-session.sh     # some steps only
#
# A bare machine: bring a Node 20 binary (NODE=…) and Debian's libvulkan1 unpacked with
# `dpkg -x` (LD_LIBRARY_PATH=…/usr/lib/x86_64-linux-gnu); if Dawn finds no adapter, point
# VK_DRIVER_FILES at the machine's NVIDIA ICD JSON (see ../shared/ENVIRONMENT.md). Each step has
# its own time limit and a failing step does not stop the others. Runs on lavapipe too (slowly).
set -uo pipefail
cd "$(dirname "$0")/../../.."
NODE="${NODE:-node}"
OUT="$(realpath -m "${OUT:-out/gpu-session}")"
mkdir -p "$OUT"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
TSX=("$NODE" "$PWD/node_modules/tsx/dist/cli.mjs" --conditions=@mlblocks/source)
ONLY="${ONLY:-.}" # a regex of the step names to run (default: all)

step() { # name, seconds, command…
  local name=$1 seconds=$2
  shift 2
  [[ $name =~ $ONLY ]] || return 0
  echo "── $name ──"
  local t0=$SECONDS
  timeout "$seconds" "$@" >"$OUT/$name.txt" 2>&1
  echo "rc $? in $((SECONDS - t0)) s (log: $OUT/$name.txt)"
  grep -v 'artificially reduced' "$OUT/$name.txt" | tail -n 12
}

"$NODE" --version >"$OUT/node.txt"
# the wasm kernels' generated source (git-ignored) must exist: the apps import kernels-wasm
(cd packages/kernels-wasm && step build-wasm 180 "${TSX[@]}" scripts/build-wasm.ts)
(cd packages/kernels-webgpu && step parity-check 240 "${TSX[@]}" bench/parity-check.ts)
(cd packages/kernels-webgpu && step bench 420 env BENCH_SIZES=256,1024,2048,4096 BENCH_TFJS=webgpu "${TSX[@]}" bench/run.ts --profile)
(cd packages/kernels-webgpu && step matmul-rows 180 "${TSX[@]}" bench/matmul-rows.ts 2,4,8,16)
(cd packages/kernels-webgpu && step matmul-blocks 180 "${TSX[@]}" bench/matmul-blocks.ts 4x4,8x4,4x8,8x8,16x8)
(cd packages/kernels-webgpu && step row-sums 120 "${TSX[@]}" bench/row-sums.ts)
(cd packages/kernels-webgpu && step float16 120 "${TSX[@]}" bench/float16.ts 1024,2048,4096)
(cd packages/rnn-lm && step lstm-lm 300 "${TSX[@]}" bench/speed.ts --no-cpu --seconds 3)
(cd apps/mlp-mnist && step mlp-mnist-webgpu 300 "${TSX[@]}" src/bin.ts train --backend webgpu --no-progress)
(cd apps/cnn && step cnn-webgpu 420 "${TSX[@]}" src/bin.ts train --backend webgpu --epochs 1 --no-progress)
echo "outputs in $OUT"
