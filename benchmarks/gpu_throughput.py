"""Training throughput of the networks a gpu profile would train, to size its budgets.

    python benchmarks/gpu_throughput.py --quick          # a CPU smoke test, about a minute
    KERAS_BACKEND=jax python benchmarks/gpu_throughput.py --out benchmarks/results/gpu.json

Each candidate is the network at full width behind the preprocessing layers the course puts
in the model (``classic.data.preprocessing``): the host holds uint8 images at the data set's
native size (28x28x1 or 32x32x3) and the accelerator scales, resizes, crops and flips them.
The images are random (only the speed is measured), ``--steps`` batches per epoch, the first
epoch pays for compiling and is reported apart; images/s is the median of the later epochs.
Mixed precision and XLA are on where an accelerator is visible (the gpu profile), off for
``--quick``. The table's last column is the time of one epoch of the full data set (60,000
MNIST or 50,000 CIFAR-10 images) at that speed.

``--fit`` also trains LeNet-5 with ``classic.train.fit`` in the gpu profile on the MNIST copy
in ``CLASSIC_DATA_DIR`` (when there is one), to check that path end to end: time and test
accuracy per epoch.

Results go to ``--out`` (JSON, rewritten after every network, so a run cut short keeps what
it measured) with the machine, versions and time.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

import keras  # noqa: E402
import numpy as np  # noqa: E402

import classic  # noqa: E402
import classic.data  # noqa: E402
import classic.models  # noqa: E402
from classic.models.alexnet import alexnet  # noqa: E402
from classic.models.densenet import cifar_densenet  # noqa: E402
from classic.models.inception import googlenet  # noqa: E402
from classic.models.lenet import lenet5  # noqa: E402
from classic.models.resnet import cifar_resnet, resnet50  # noqa: E402
from classic.models.vgg import vgg  # noqa: E402
from classic.models.zfnet import zfnet  # noqa: E402
from classic.tables import Table  # noqa: E402

MNIST, CIFAR = (28, 28, 1), (32, 32, 3)
FULL_EPOCH = {MNIST: 60_000, CIFAR: 50_000}


def keras_resnet50(input_shape, classes):
    return keras.applications.ResNet50(weights=None, input_shape=input_shape, classes=classes)


# name: (notebook, native shape, image size, crop, builder, options). The crop follows the
# papers' 256/224 ratio where the course trains with crops (notebooks 2 and 3).
CANDIDATES = {
    "LeNet-5": ("01", MNIST, 32, None, lenet5, {}),
    "AlexNet at 67": ("02", CIFAR, 77, 67, alexnet, {"groups": 1}),
    "AlexNet at 224": ("02", CIFAR, 256, 224, alexnet, {"groups": 1}),
    "ZF-Net at 224": ("03", CIFAR, 256, 224, zfnet, {}),
    "VGG-16 BN at 32": ("04", CIFAR, 32, None, vgg, {"config": "D", "batch_norm": True}),
    "GoogLeNet at 128": ("05", CIFAR, 128, None, googlenet, {}),
    "GoogLeNet at 224": ("05", CIFAR, 224, None, googlenet, {}),
    "ResNet-20": ("06", CIFAR, 32, None, cifar_resnet, {"depth": 20}),
    "ResNet-56": ("06", CIFAR, 32, None, cifar_resnet, {"depth": 56}),
    "DenseNet-BC (L=100, k=12)": ("07", CIFAR, 32, None, cifar_densenet,
                                  {"depth": 100, "bottleneck": True, "compression": 0.5}),
    "ResNet-50 at 64 (classic)": ("08", CIFAR, 64, None, resnet50, {}),
    "ResNet-50 at 64 (keras.applications)": ("08", CIFAR, 64, None, keras_resnet50, {}),
}
QUICK = ("LeNet-5", "ResNet-20")


def accelerator() -> str | None:
    """The accelerator's name, or None on a CPU."""
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        devices = [d for d in jax.devices() if d.platform != "cpu"]
        return devices[0].device_kind if devices else None
    if backend == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        return gpus[0].name if gpus else None
    if backend == "torch":
        import torch

        return torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    return None


def build(name: str):
    _, native, size, crop, builder, options = CANDIDATES[name]
    inputs = keras.Input(native, dtype="uint8", name="images")
    front = classic.data.preprocessing(native, size, crop=crop, flip=crop is not None, seed=0)
    side = crop or size
    network = builder(input_shape=(side, side, native[2]), classes=10, **options)
    return keras.Model(inputs, network(front(inputs)), name=network.name), network


class EpochTimer(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.start)

    def on_train_begin(self, logs=None):
        self.seconds = []


def measure(name: str, *, batch: int, steps: int, epochs: int, jit: bool) -> dict:
    native = CANDIDATES[name][1]
    keras.utils.set_random_seed(0)
    model, network = build(name)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", jit_compile=jit)
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(batch * steps, *native), dtype=np.uint8)
    y = rng.integers(0, 10, size=(batch * steps,))
    timer = EpochTimer()
    model.fit(x, y, batch_size=batch, epochs=epochs, callbacks=[timer], verbose=0)
    speed = statistics.median(batch * steps / s for s in timer.seconds[1:])
    full = FULL_EPOCH[native]
    return {
        "notebook": CANDIDATES[name][0],
        "input": f"{native[0]}x{native[1]}x{native[2]} uint8 -> {CANDIDATES[name][2]}"
                 + (f", crop {CANDIDATES[name][3]}" if CANDIDATES[name][3] else ""),
        "params": int(network.count_params()),
        "first_epoch_seconds": round(timer.seconds[0], 1),
        "images_per_second": round(speed),
        "full_epoch_seconds": round(full / speed, 1),
    }


def provenance(batch, steps, epochs, mixed, jit) -> dict:
    versions = {"keras": keras.__version__, "backend": keras.backend.backend()}
    for module in ("jax", "tensorflow", "torch"):
        if module in sys.modules:
            versions[module] = sys.modules[module].__version__
    return {
        "device": accelerator() or f"CPU ({platform.processor() or platform.machine()}, "
                                    f"{os.cpu_count()} cores)",
        "classic": classic.__version__, "python": platform.python_version(), **versions,
        "batch": batch, "steps_per_epoch": steps, "epochs": epochs,
        "mixed_precision": mixed, "jit_compile": jit,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def fit_lenet(epochs: int) -> dict:
    """LeNet-5 through classic.train.fit in the gpu profile, on the MNIST copy."""
    import classic.train

    data = classic.data.load("mnist", image_size=32)
    result = classic.train.fit(lambda: lenet5(input_shape=data.input_shape, classes=10), data,
                               "gpu", epochs=epochs, verbose=0, backup_dir="/tmp/gpu_backups")
    return {
        "data": f"{data.name}: {len(data.x_train):,} training images",
        "epochs": len(result.epochs),
        "seconds": round(result.seconds, 1),
        "images_per_second": round(result.images_per_second),
        "val_accuracy": [round(v, 4) for v in result.history["val_accuracy"]],
        "test_accuracy": round(result.test_accuracy, 4),
        "output_dtype": str(result.model.outputs[0].dtype),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="two small networks, few steps")
    parser.add_argument("--models", nargs="*", default=None, help=", ".join(CANDIDATES))
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--deadline", type=float, default=480.0,
                        help="seconds; networks not started by then are skipped")
    parser.add_argument("--fit", action="store_true", help="also LeNet-5 through classic.train")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)

    names = list(args.models or (QUICK if args.quick else CANDIDATES))
    unknown = [n for n in names if n not in CANDIDATES]
    if unknown:
        parser.error(f"--models: unknown {unknown}; known: {', '.join(CANDIDATES)}")
    batch, steps = (16, 3) if args.quick else (args.batch, args.steps)
    on_accelerator = accelerator() is not None
    mixed, jit = on_accelerator, on_accelerator
    if mixed:
        keras.config.set_dtype_policy("mixed_float16")
    report = {"provenance": provenance(batch, steps, args.epochs, mixed, jit), "networks": {}}
    print(json.dumps(report["provenance"]), flush=True)

    def save():
        if args.out:
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            Path(args.out).write_text(json.dumps(report, indent=1) + "\n")

    start = time.perf_counter()
    for name in names:
        if time.perf_counter() - start > args.deadline:
            report["networks"][name] = {"skipped": "deadline"}
            continue
        try:
            report["networks"][name] = measure(name, batch=batch, steps=steps,
                                               epochs=args.epochs, jit=jit)
        except Exception as error:  # one network's failure must not lose the others
            report["networks"][name] = {"error": f"{type(error).__name__}: {error}"[:500]}
        print(name, report["networks"][name], flush=True)
        save()
    if args.fit:
        keras.config.set_dtype_policy("float32")  # fit sets the gpu profile's own policy
        try:
            report["fit_lenet5"] = fit_lenet(2 if args.quick else 5)
        except Exception as error:
            report["fit_lenet5"] = {"error": f"{type(error).__name__}: {error}"[:500]}
        print("fit LeNet-5:", report["fit_lenet5"], flush=True)
        save()

    rows = [[n, r.get("notebook", ""), r.get("params", ""), r.get("first_epoch_seconds", ""),
             r.get("images_per_second", r.get("error", r.get("skipped", ""))),
             r.get("full_epoch_seconds", "")] for n, r in report["networks"].items()]
    print(Table(["network", "notebook", "params", "first epoch s (compiles)", "images/s",
                 "s per full epoch"], rows, title=report["provenance"]["device"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
