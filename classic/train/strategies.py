"""Distribution strategies: MirroredStrategy over several GPUs on TensorFlow, else one device."""

from __future__ import annotations

import contextlib

import keras


class _NoStrategy:
    """Stands in for ``tf.distribute`` on backends that have none: one device, no-op scope."""

    num_replicas_in_sync = 1

    def scope(self):
        return contextlib.nullcontext()

    def __repr__(self) -> str:
        return f"<no distribution strategy ({keras.backend.backend()} backend)>"


def _make_strategy(devices=None, *, announce: bool = True):
    if devices is not None:
        if isinstance(devices, str) or not all(isinstance(d, str) for d in devices):
            raise ValueError(
                "devices: expected a list of device names such as ['/gpu:0', '/gpu:1']. "
                f"Received: devices={devices!r}"
            )
        devices = list(devices)
        if not devices:
            raise ValueError(f"devices: expected at least one device. Received: devices={devices}")
    if keras.backend.backend() != "tensorflow":
        return _NoStrategy()
    import tensorflow as tf

    if devices is None and len(tf.config.list_logical_devices("GPU")) < 2:
        return tf.distribute.get_strategy()
    mirrored = tf.distribute.MirroredStrategy(devices)
    if announce:
        names = ", ".join(d.split("device:")[-1] for d in mirrored.extended.worker_devices)
        print(f"MirroredStrategy: {mirrored.num_replicas_in_sync} replicas ({names})")
    return mirrored


def strategy(devices: list[str] | None = None):
    """A distribution strategy: Mirrored over ``devices`` or over several GPUs, else the default.

    On TensorFlow, ``tf.distribute.MirroredStrategy`` when ``devices`` are given or more
    than one GPU is visible (it prints how many replicas), else the default strategy; on
    other backends an object whose ``scope()`` does nothing. A model must be *built* in
    the scope of the strategy that trains it, which is why ``fit`` accepts a function
    that builds the model.
    """
    return _make_strategy(devices)


def _strategy_for_ready_model(model, requested):
    """A model trains in the strategy it was built in; say how to distribute one that wasn't."""
    if keras.backend.backend() != "tensorflow":
        return requested if requested is not None else _NoStrategy()
    own = model.distribute_strategy  # the strategy in whose scope the model was created
    if requested is None:
        import tensorflow as tf

        gpus = len(tf.config.list_logical_devices("GPU"))
        if own.num_replicas_in_sync == 1 and gpus > 1:
            print(
                f"{model.name} was built outside a distribution strategy, so it trains on one "
                f"of the {gpus} GPUs; to train on all of them, pass the function that builds "
                f"it: fit(lambda: classic.models.lenet5(), data), not "
                f"fit(classic.models.lenet5(), data)"
            )
        return own
    if requested is not own and requested.num_replicas_in_sync > 1:
        raise ValueError(
            f"model: a ready model cannot be distributed over {requested.num_replicas_in_sync} "
            "replicas by a strategy it was not built in; pass a function of no arguments that "
            "builds it: fit(lambda: classic.models.lenet5(), data), not "
            f"fit(classic.models.lenet5(), data). Received: the built model {model.name!r}"
        )
    return own
