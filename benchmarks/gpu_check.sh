#!/usr/bin/env bash
# The course's GPU check: one call of at most 10 minutes on one GPU machine with JAX, no
# TensorFlow and no network (the device machines), from the repository root:
#
#   1. notebook 1's and notebook 6's experiments (lenet5, resnet_degradation), seed 0 of every
#      arm, in the cpu setting (the local copies of MNIST and CIFAR-10 are all a machine without
#      network has; the gpu setting needs the full data sets) trained with the gpu profile's
#      mixed precision and XLA (`run --profile gpu --setting cpu`);
#   2. the training speed of the networks the gpu setting trains live in those notebooks
#      (LeNet-5, ResNet-20), and classic's ResNet-50 against keras.applications' at 64x64
#      (benchmarks/gpu_throughput.py): the throughput ratio;
#   3. a summary: the device, images/s per arm, the seconds a run took against the stored cpu
#      reference of the same budget, the accuracies side by side, the minutes the gpu setting's
#      live run would take on this GPU (against classic.budget's T4 estimate), and the ratio.
#
# Results go to $OUT (default gpu_check_out/): results/gpu/<experiment>.json in the results
# format (one seed, so not for results/, whose test asks for 3), throughput.json and summary.txt.
#
# What it needs beside the repository, fetched once on a machine with network (about 45 MiB with
# the data copies, within the 64 MiB a device call carries):
#
#   mkdir -p gpu_carry/wheels gpu_carry/datasets        # .gitignore keeps gpu_carry/ out of git
#   pip download keras==3.15.1 namex optree h5py rich absl-py --no-deps --only-binary=:all: \
#       --python-version 3.12 --platform manylinux2014_x86_64 -d gpu_carry/wheels
#   cp "$CLASSIC_DATA_DIR"/mnist.npz "$CLASSIC_DATA_DIR"/cifar10.npz gpu_carry/datasets/
#
# and on the GPU machine (the device tool's run, carrying gpu_carry):
#
#   OUT=$OUT bash benchmarks/gpu_check.sh
#
# GPU_CHECK_PROFILE=ci runs the same steps in the ci profile and setting, to try the script on a
# CPU in minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

CARRY=${CARRY:-gpu_carry}
OUT=${OUT:-gpu_check_out}
PROFILE=${GPU_CHECK_PROFILE:-gpu}
SETTING=cpu; [ "$PROFILE" = ci ] && SETTING=ci
PYTHON=${PYTHON:-python3}
mkdir -p "$OUT"
export KERAS_BACKEND=${KERAS_BACKEND:-jax}
export CLASSIC_BACKUP_DIR=${CLASSIC_BACKUP_DIR:-/tmp/classic-backups}
[ -d "$CARRY/datasets" ] && export CLASSIC_DATA_DIR="$PWD/$CARRY/datasets"
if [ -d "$CARRY/wheels" ] && ! "$PYTHON" -c "import keras" 2>/dev/null; then
    "$PYTHON" -m pip install -q --no-deps "$CARRY"/wheels/*.whl
fi

{
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null \
        || echo "no nvidia-smi"
    "$PYTHON" -c "import keras, jax; print('Keras', keras.__version__, keras.backend.backend(),
'JAX', jax.__version__, jax.devices())"
} | tee "$OUT/summary.txt"

start=$(date +%s)
"$PYTHON" -m classic.experiments run lenet5 resnet_degradation --profile "$PROFILE" --seeds 0 \
    --setting "$SETTING" --results "$OUT/results" --fresh 2>&1 | grep -v '^\[' | tail -n 40
echo "experiments: $(( $(date +%s) - start )) s" | tee -a "$OUT/summary.txt"

quick=(); [ "$PROFILE" = ci ] && quick=(--quick)
"$PYTHON" benchmarks/gpu_throughput.py "${quick[@]}" --models "LeNet-5" "ResNet-20" \
    "ResNet-50 at 64 (classic)" "ResNet-50 at 64 (keras.applications)" \
    --out "$OUT/throughput.json" | tail -n 8

"$PYTHON" - "$OUT" "$PROFILE" "$SETTING" <<'EOF' | tee -a "$OUT/summary.txt"
import json, sys
from pathlib import Path

import classic.budget
import classic.experiments as ex

out, profile, setting = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
for name in ("lenet5", "resnet_degradation"):
    gpu = ex.load(name, profile, root=out / "results", setting=setting)
    cpu = ex.load(name, "cpu")
    print(f"{name} (the {setting} setting in the {profile} profile on "
          f"{gpu.provenance.get('gpu') or 'CPU'}; the cpu reference on "
          f"{cpu.provenance.get('cores')} CPU cores), "
          f"{'the same budget' if setting == 'cpu' else 'NOT the same budget (a trial)'}:")
    for arm in gpu.experiment.arms:
        g = gpu.runs[arm.name]["0"]
        c = [run for run in cpu.runs[arm.name].values()]
        cpu_seconds = sum(r["seconds"] for r in c) / len(c)
        cpu_acc = [100 * r["test_accuracy"] for r in c]
        print(f"  {arm.name:12} {g['images_per_second']:>8,} images/s, {g['seconds']:7.1f} s "
              f"against {cpu_seconds:7.1f} s on the CPU (x{cpu_seconds / g['seconds']:.1f}); "
              f"test accuracy {100 * g['test_accuracy']:.1f}% (seed 0) against "
              f"{min(cpu_acc):.1f}-{max(cpu_acc):.1f}% (cpu seeds)")
speeds = json.loads((out / "throughput.json").read_text())["networks"]
for notebook, name, network in (("01", "lenet5", "LeNet-5"), ("06", "resnet_degradation",
                                                               "ResNet-20")):
    view = ex.get(name).in_profile("gpu")
    s, measured = view.setting("gpu"), speeds[network].get("images_per_second")
    if measured and profile == "gpu":
        minutes = len(view.live_arms()) * s.train_images * s.epochs / measured / 60
        print(f"notebook {notebook} in the gpu setting: {len(view.live_arms())} x {s.epochs} "
              f"epochs of {s.train_images:,} images at {measured:,} images/s = "
              f"{minutes:.1f} minutes of training here, plus compilation (T4 estimate: "
              f"{classic.budget.notebook_seconds(notebook, 'gpu') / 60:.0f} minutes in all)")
ours, theirs = (speeds[f"ResNet-50 at 64 ({who})"].get("images_per_second")
                for who in ("classic", "keras.applications"))
if ours and theirs:
    print(f"ResNet-50 at 64: classic {ours:,} images/s, keras.applications {theirs:,}: "
          f"ratio {ours / theirs:.2f}")
EOF
