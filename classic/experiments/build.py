"""The network and the model an arm trains, built from its builder and options."""

from __future__ import annotations

import importlib

from classic.experiments.design import Arm
from classic.experiments.registry import resolve


def builder_of(path: str):
    """The function ``path`` names: ``module:function``, or a name of ``classic.models.build``."""
    if ":" not in path:
        import classic.models

        return lambda **kwargs: classic.models.build(path, **kwargs)
    module, function = path.split(":", 1)
    return getattr(importlib.import_module(module), function)


def build_network(experiment, arm: str | Arm, profile: str = "cpu", classes: int = 10):
    """The network an arm trains, untrained and without its preprocessing, at the setting's input
    size: to count its parameters and MACs (``classic.shapes``) next to its results."""
    experiment = resolve(experiment).in_profile(profile)
    arm = experiment.arm(arm) if isinstance(arm, str) else arm
    s = experiment.setting(profile)
    size = arm.input_size(s)
    return builder_of(arm.builder)(input_shape=(size, size, s.channels),
                                   classes=classes, **s.options, **arm.options)


def build_arm(experiment, arm: str | Arm, profile: str, native_shape, classes: int,
              donor=None, jit: bool = False):
    """The model an arm trains: preprocessing (scale, pad or resize, augmentation) + network.

    ``native_shape`` is the raw images' (height, width, channels); ``donor`` is the trained
    network of the arm's ``init_from`` arm, whose ``init_layers`` weights it starts from.
    ``jit``: the model will be compiled with XLA, so the augmentation's crop must compile too.
    """
    experiment = resolve(experiment).in_profile(profile)
    arm = experiment.arm(arm) if isinstance(arm, str) else arm
    network = build_network(experiment, arm, profile, classes)
    if arm.init_from:
        if donor is None:
            raise ValueError(f"donor: {arm.name!r} starts from {arm.init_from!r}'s trained "
                             "network; pass it as donor=")
        for layer in arm.init_layers:
            network.get_layer(layer).set_weights(donor.get_layer(layer).get_weights())
    front = front_of(experiment, arm, profile, native_shape, jit=jit)
    return wrap(network, front, native_shape)


def front_of(experiment, arm: str | Arm, profile: str, native_shape, jit: bool = False):
    """The layers in front of an arm's network: scale to [0, 1], pad or resize to its input,
    and in training the arm's augmentation (enlarge, random crop, mirror)."""
    import classic.data

    experiment = resolve(experiment).in_profile(profile)
    arm = experiment.arm(arm) if isinstance(arm, str) else arm
    size = arm.input_size(experiment.setting(profile))
    if arm.augment:
        return classic.data.preprocessing(
            native_shape, round(size * arm.augment), crop=size, flip=True, jittable=jit
        )
    return classic.data.preprocessing(native_shape, size)


def wrap(network, front, native_shape):
    """``network`` behind ``front``, on raw images of ``native_shape``: the model that trains."""
    import keras

    inputs = keras.Input(tuple(native_shape), name="image")
    outputs = network(front(inputs))
    if isinstance(outputs, list | tuple):  # several heads keep their names (metrics, losses)
        outputs = [keras.layers.Identity(name=name)(out)
                   for name, out in zip(network.output_names, outputs, strict=True)]
    return keras.Model(inputs, outputs, name=network.name)



def network_of(model):
    """The network inside a model that :func:`build_arm` built: its last nested model (the
    preprocessing comes first; named output layers of several heads may follow)."""
    import keras

    return [layer for layer in model.layers if isinstance(layer, keras.Model)][-1]
