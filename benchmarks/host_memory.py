"""Peak host memory (RSS) of a notebook's training data, as the notebooks load it.

    python benchmarks/host_memory.py                  # full-size synthetic CIFAR-10, all of it
    CLASSIC_DATA_DIR=... python benchmarks/host_memory.py --copy   # the shipped local copy

A CIFAR-10 notebook holds its data twice: the copy it loads for its own cells
(``classic.data.load_for(profile, "cifar10", raw=True)``) and the copy its live run loads
(``classic.experiments.run``), both uint8 at the native 32x32 (the network scales, resizes,
crops and flips on the accelerator, inside the model). Then ``fit`` feeds the training images
to the backend. Each case runs in a fresh Python process, so that the peak (``ru_maxrss``) is
its own, and is read after importing Keras, after each load and after one epoch of ``fit`` of
a small network on the training images.

Without ``--copy`` the data set is a synthetic CIFAR-10 of the real size (50,000 + 10,000
random images) written in the local-copy format to a temporary folder, loaded whole, as the
gpu profile's full data set. With ``--copy`` it is ``$CLASSIC_DATA_DIR/cifar10.npz`` with the
cpu profile's limit (that of notebook 6's experiments). The result is printed and, with
``--out``, written as JSON with the machine and versions.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CASE = r"""
import json, resource, sys
sys.path.insert(0, {root!r})

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

import keras, numpy as np
import classic.data, classic.experiments
marks = {{"python, Keras and classic imported": peak_mb()}}
limit, data_dir = {limit!r}, {data_dir!r}
notebook = classic.data.load("cifar10", raw=True, channels=3, limit=limit, data_dir=data_dir,
                             verbose=False)
marks["the notebook's copy loaded"] = peak_mb()
run = classic.data.load("cifar10", raw=True, channels=3, limit=limit, data_dir=data_dir,
                        verbose=False)
marks["the live run's copy loaded"] = peak_mb()
model = keras.Sequential([
    keras.Input((32, 32, 3)), classic.data.preprocessing((32, 32, 3)),
    keras.layers.Conv2D(8, 3, strides=4), keras.layers.GlobalAveragePooling2D(),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile("adam", "sparse_categorical_crossentropy")
model.fit(run.x_train, run.y_train, batch_size=256, epochs=1, verbose=0,
          validation_data=(run.x_val, run.y_val))
marks["one epoch of fit on the training images"] = peak_mb()
print(json.dumps({{"images": [len(run.x_train), len(run.x_val), len(run.x_test)],
                   "bytes_per_copy": int(run.x_train.nbytes + run.x_val.nbytes
                                         + run.x_test.nbytes),
                   "peak_mb": marks}}))
"""


def synthetic_cifar10(folder: Path) -> Path:
    """A CIFAR-10 of the real size, random pixels, in the local-copy format."""
    import numpy as np

    import classic.data

    rng = np.random.default_rng(0)
    return classic.data.write_copy(
        folder, "cifar10",
        rng.integers(0, 256, (50_000, 32, 32, 3), dtype=np.uint8),
        rng.integers(0, 10, 50_000), rng.integers(0, 256, (10_000, 32, 32, 3), dtype=np.uint8),
        rng.integers(0, 10, 10_000),
        note="synthetic: random pixels at CIFAR-10's full size, to measure host memory",
    )


def measure(limit, data_dir) -> dict:
    code = CASE.format(root=str(ROOT), limit=limit, data_dir=str(data_dir))
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          check=False)
    if done.returncode:
        raise SystemExit(f"the measuring process failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copy", action="store_true",
                        help="measure $CLASSIC_DATA_DIR/cifar10.npz at the cpu profile's limit")
    parser.add_argument("--out", help="write the result here (JSON)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    import keras

    import classic.experiments

    if args.copy:
        data_dir = os.environ.get("CLASSIC_DATA_DIR")
        if not data_dir or not (Path(data_dir) / "cifar10.npz").is_file():
            raise SystemExit("--copy: set CLASSIC_DATA_DIR to a folder holding cifar10.npz")
        limit = classic.experiments.EXPERIMENTS["resnet_degradation"].setting("cpu").limit
        case = f"the local copy, the cpu profile's limit of {limit:,} training images"
        result = measure(limit, data_dir)
    else:
        case = "synthetic full-size CIFAR-10 (50,000 + 10,000 images), all of it"
        with tempfile.TemporaryDirectory() as folder:
            synthetic_cifar10(Path(folder))
            result = measure(None, folder)
    print(f"{case}: {result['images'][0]:,} train / {result['images'][1]:,} validation / "
          f"{result['images'][2]:,} test images, {result['bytes_per_copy'] / 2**20:,.0f} MiB "
          "per uint8 copy")
    for mark, mb in result["peak_mb"].items():
        print(f"  peak RSS after {mark}: {mb / 1024:.2f} GiB")
    if args.out:
        result.update(case=case, provenance={
            "machine": platform.platform(), "cores": os.cpu_count(),
            "python": platform.python_version(), "keras": keras.__version__,
            "backend": keras.backend.backend(),
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "command": "python benchmarks/host_memory.py" + (" --copy" if args.copy else ""),
        })
        Path(args.out).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
