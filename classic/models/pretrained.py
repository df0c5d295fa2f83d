"""ImageNet weights for the course's networks, as keras.applications publishes them.

``weights=None`` (the default of every builder) starts from random weights. ``"imagenet"`` or a
path to one of keras.applications' weight files works for the eight networks it publishes
weights for; the file is read by keras.applications' own loader into its network, and every
layer's weights are then copied into the course's model **by layer name**. The course's
builders use keras.applications' names for these networks, so the two sets of names must agree
exactly: a layer missing on either side is an error, not a silent skip (the only layers left
out are those a user put in front of the network with ``input_tensor=``: they keep their own).

The images go in as the weights expect them: ``classic.models.vgg``, ``classic.models.resnet``
and ``classic.models.densenet`` hold keras.applications' own ``preprocess_input`` (RGB images,
values in [0, 255]) and ``decode_predictions`` (class id, name, score) for their networks.
"""

from __future__ import annotations

import os
from pathlib import Path

import keras

# The course's name -> keras.applications' builder. The other networks have no published weights.
PUBLISHED = {
    "vgg16": "VGG16",
    "vgg19": "VGG19",
    "resnet50": "ResNet50",
    "resnet101": "ResNet101",
    "resnet152": "ResNet152",
    "densenet121": "DenseNet121",
    "densenet169": "DenseNet169",
    "densenet201": "DenseNet201",
}

# Where keras.applications downloads them from (its own constants; a test keeps them equal):
# a folder per VGG, one for the ResNets and one for the DenseNets.
_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/"


class WeightsUnavailable(RuntimeError):
    """The ImageNet weights are neither in Keras' cache nor downloadable from here."""


def weights_url(name: str, include_top: bool = True) -> str:
    """The address of keras.applications' ImageNet weight file for ``name``."""
    folder = name if name.startswith("vgg") else name.rstrip("0123456789")
    top = "" if include_top else "_notop"
    return f"{_BASE}{folder}/{name}_weights_tf_dim_ordering_tf_kernels{top}.h5"


def check(weights, name, input_shape, classes, include_top, *, classifier_activation="softmax",
          **options) -> None:
    """Refuse, before anything is built, a ``weights`` the network ``name`` cannot take.

    ``options`` maps each builder argument that changes the weights' shapes or names to
    ``(value, the value the published weights need)``, e.g. ``width=(width, 1.0)``. As in
    keras.applications, a classifier with ImageNet weights ends in a softmax or in none (logits).
    """
    if weights is None:
        return
    if name not in PUBLISHED:
        raise ValueError(
            f"`weights`: {name} has no published ImageNet weights, so it takes weights=None only "
            f"(keras.applications publishes them for {', '.join(PUBLISHED)}). "
            f"Received: weights={weights!r}"
        )
    if weights != "imagenet":
        if not isinstance(weights, str | os.PathLike):
            raise ValueError(
                "`weights` must be None, 'imagenet' or the path of a weights file. "
                f"Received: weights={weights!r}"
            )
        if not Path(weights).is_file():
            raise ValueError(f"`weights`: no such file. Received: weights={os.fspath(weights)!r}")
    for argument, (value, needed) in options.items():
        if value != needed:
            raise ValueError(
                f"`{argument}`: the published {name} weights are for {argument}={needed!r}; "
                f"use weights=None for other values. Received: {argument}={value!r}"
            )
    if input_shape[-1] != 3:
        raise ValueError(
            "`input_shape`: ImageNet weights take RGB images (3 channels). "
            f"Received: input_shape={tuple(input_shape)!r}"
        )
    if include_top and classes != 1000:
        raise ValueError(
            "`classes`: with include_top=True the ImageNet weights give 1000 classes; use "
            f"include_top=False for another head. Received: classes={classes!r}"
        )
    if include_top and classifier_activation not in ("softmax", None):
        raise ValueError(
            "`classifier_activation`: with pretrained weights and include_top=True it must be "
            "'softmax' or None (logits), as in keras.applications. "
            f"Received: classifier_activation={classifier_activation!r}"
        )
    if weights == "imagenet" and include_top and tuple(input_shape) != (224, 224, 3):
        raise ValueError(
            "`input_shape`: with include_top=True the ImageNet weights need 224x224x3 images "
            "(the classifier's inputs depend on the image size); use include_top=False for "
            f"another size. Received: input_shape={tuple(input_shape)!r}"
        )


def load(model, weights, name, include_top, start) -> keras.Model:
    """Copy keras.applications' ``weights`` for ``name`` into ``model``, layer by layer name.

    ``start`` is the tensor the network begins at: the model's input, or a given
    ``input_tensor`` (the layers in front of it are the user's, and keep their weights)."""
    builder = getattr(keras.applications, PUBLISHED[name])
    try:
        reference = builder(
            include_top=include_top,
            weights=os.fspath(weights),
            input_shape=tuple(start.shape[1:]),
        )
    except Exception as err:  # get_file raises a bare Exception when a download fails
        if weights != "imagenet":
            raise
        url = weights_url(name, include_top)
        raise WeightsUnavailable(
            f"`weights`: the ImageNet weights of {name} are not in Keras' cache and could not be "
            f"downloaded ({err}). On a machine with network, download {url}, bring the file "
            f"here and pass its path: {name}(weights='/path/to/{url.rsplit('/', 1)[-1]}')."
        ) from err
    sources = keras.utils.get_source_inputs(start)
    in_front = set() if any(start is s for s in sources) else {
        layer.name for layer in keras.Model(sources, start).layers}
    ours = {layer.name: layer for layer in model.layers
            if layer.weights and layer.name not in in_front}
    theirs = {layer.name: layer for layer in reference.layers if layer.weights}
    if set(ours) != set(theirs):
        missing, extra = sorted(set(theirs) - set(ours)), sorted(set(ours) - set(theirs))
        raise ValueError(
            f"`weights`: the layers of keras.applications' {PUBLISHED[name]} and of this {name} "
            f"differ by name (only in keras.applications: {missing[:5]}; only here: "
            f"{extra[:5]}), so its weights cannot be copied."
        )
    for layer_name, layer in ours.items():
        layer.set_weights(theirs[layer_name].get_weights())
    return model
