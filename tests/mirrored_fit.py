"""Trains one small convnet on two logical CPUs with MirroredStrategy, and on one device.

Run by tests/test_train.py in its own process: logical devices must be configured before
TensorFlow initializes. Prints a JSON line with both runs' per-epoch losses.
Usage: python tests/mirrored_fit.py BACKUP_DIR
"""

import json
import sys

import numpy as np
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
)

import keras  # noqa: E402

from classic import train  # noqa: E402


def small_convnet():
    return keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(4, 3, activation="relu", name="conv"),
            keras.layers.MaxPooling2D(2, name="pool"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(3, activation="softmax", name="fc"),
        ],
        name="small_convnet",
    )


def main(backup_dir):
    rng = np.random.default_rng(0)
    x = rng.random((128, 8, 8, 1), dtype=np.float32)
    data = type(
        "Data",
        (),
        {
            "name": "random",
            "x_train": x,
            "y_train": rng.integers(0, 3, 128),
            "x_val": None,
            "y_val": None,
            "x_test": x[:32],
            "y_test": rng.integers(0, 3, 32),
        },
    )()
    settings = dict(profile="cpu", epochs=2, batch_size=32, backup_dir=backup_dir, verbose=0)
    mirrored = train.strategy(["/cpu:0", "/cpu:1"])
    two = train.fit(small_convnet, data, strategy=mirrored, **settings)
    one = train.fit(small_convnet, data, **settings)
    try:
        train.fit(small_convnet(), data, strategy=mirrored, **settings)
        refused = ""
    except ValueError as error:
        refused = str(error)
    print(
        json.dumps(
            {
                "replicas": mirrored.num_replicas_in_sync,
                "mirrored": two.history["loss"],
                "default": one.history["loss"],
                "refused": refused,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
