"""Train-step time of classic's builders against keras.applications' (weights=None).

    python benchmarks/zoo_speed.py --quick                 # 64x64, batch 8: about a minute on a CPU
    python benchmarks/zoo_speed.py                         # 224x224, batch 32: for a GPU
    python benchmarks/zoo_speed.py --quick --models vgg16

Both networks of a pair train on the same fixed batch with the same optimizer. Repeats are
interleaved (classic, keras, classic, keras, ...) so that a change in the machine's load hits both;
each repeat times ``--steps`` train steps of each and gives one ratio classic/keras. The table shows
the median ratio and its spread (min-max): on a shared machine a single ratio is noise.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import statistics
import time

import keras
import numpy as np

from classic.tables import Table

# name: (classic module, builder, keras.applications class, classic options that make the same net)
MODELS = {
    # keras.applications' VGG16 has no dropout; the paper's (classic's default) does.
    "vgg16": ("classic.models.vgg", "vgg16", "VGG16", {"dropout": 0.0}),
    "resnet50": ("classic.models.resnet", "resnet50", "ResNet50", {}),
    "densenet121": ("classic.models.densenet", "densenet121", "DenseNet121", {}),
}
QUICK = {"size": 64, "batch": 8, "steps": 3, "warmup": 1, "repeats": 3}
DEFAULT = {"size": 224, "batch": 32, "steps": 20, "warmup": 2, "repeats": 5}


def classic_builder(name):
    module, function, _, _ = MODELS[name]
    return getattr(importlib.import_module(module), function)


def compiled(model, lr=0.01):
    model.compile(keras.optimizers.SGD(lr, momentum=0.9), "sparse_categorical_crossentropy")
    return model


def seconds(model, x, y, steps):
    """Wall time of ``steps`` train steps (train_on_batch returns numbers: the step has ended)."""
    start = time.perf_counter()
    for _ in range(steps):
        model.train_on_batch(x, y)
    return time.perf_counter() - start


def bench(name, builder, args):
    _, _, reference, options = MODELS[name]
    shape = (args.size, args.size, 3)
    keras.utils.set_random_seed(args.seed)
    ours = compiled(builder(input_shape=shape, classes=args.classes, **options))
    keras.utils.set_random_seed(args.seed)
    theirs = compiled(getattr(keras.applications, reference)(
        weights=None, input_shape=shape, classes=args.classes))
    rng = np.random.default_rng(args.seed)
    x = rng.uniform(0, 255, size=(args.batch, *shape)).astype("float32")
    y = rng.integers(0, args.classes, size=args.batch)

    for model in (ours, theirs):  # tracing and compilation, not timed
        for _ in range(args.warmup):
            model.train_on_batch(x, y)
    times = {"classic": [], "keras": []}
    for _ in range(args.repeats):
        times["classic"].append(seconds(ours, x, y, args.steps))
        times["keras"].append(seconds(theirs, x, y, args.steps))
    ratios = [a / b for a, b in zip(times["classic"], times["keras"], strict=True)]
    row = [
        name, ours.count_params(), theirs.count_params(),
        1000 * statistics.median(times["classic"]) / args.steps,
        1000 * statistics.median(times["keras"]) / args.steps,
        " ".join(f"{r:.3f}" for r in ratios),
        statistics.median(ratios), f"{min(ratios):.3f}-{max(ratios):.3f}",
    ]
    print(f"{name}: ratios {row[5]}", flush=True)
    del ours, theirs
    keras.backend.clear_session()
    gc.collect()
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"CPU size: {QUICK}")
    parser.add_argument("--models", nargs="+", choices=list(MODELS), default=list(MODELS))
    for key, value in DEFAULT.items():
        parser.add_argument(f"--{key}", type=int, help=f"default {value}, --quick {QUICK[key]}")
    parser.add_argument("--classes", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    for key, value in (QUICK if args.quick else DEFAULT).items():
        if getattr(args, key) is None:
            setattr(args, key, value)

    print(f"Keras {keras.__version__}, backend {keras.backend.backend()}; input "
          f"{args.size}x{args.size}x3, batch {args.batch}, {args.classes} classes, "
          f"{args.warmup} warm-up + {args.repeats} x {args.steps} timed steps per model")
    rows = []
    for name in args.models:
        rows.append(bench(name, classic_builder(name), args))
    columns = ["model", "params classic", "params keras", "classic ms/step", "keras ms/step",
               "ratio per repeat", "median ratio", "spread (min-max)"]
    print(Table(columns, rows, title="Train step, classic / keras.applications (1 = as fast)"))


if __name__ == "__main__":
    main()
