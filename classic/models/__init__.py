"""The model zoo: one builder per network, in keras.applications' style, plus a registry.

Every builder takes keras.applications' arguments, with their meaning there:

- ``include_top``: the classifier on top (True), or the network up to its last feature maps;
- ``weights``: None (random), ``"imagenet"`` or the path of keras.applications' file, for the
  eight networks it publishes weights for (:mod:`classic.models.pretrained`);
- ``input_tensor``: a Keras tensor to build on (a ``keras.Input``, or a layer's output on one)
  instead of a new ``keras.Input``; the model's inputs are that tensor's sources;
- ``input_shape``: (height, width, channels); None is the paper's input. Without the top,
  height and width may be None (any size) and, without weights, any channel count works; with
  ``input_tensor`` too, the two must agree;
- ``pooling``: None, ``"avg"`` or ``"max"`` after the last feature maps, without the top;
- ``classes`` and ``classifier_activation``: the classifier's size and activation (None gives
  logits; with ImageNet weights only ``"softmax"`` or None).

Three differences, all in the defaults and the order: ``weights=None`` gives random weights
(keras.applications' default is ``"imagenet"``: pass it); ``input_shape=None`` without the top
keeps the paper's input, whose arithmetic the notebooks teach, where keras.applications opens
height and width (pass ``input_shape=(None, None, 3)``); and ``input_shape`` comes first, so
give the arguments by keyword. For the ImageNet weights, ``classic.models.vgg``, ``.resnet``
and ``.densenet`` hold keras.applications' own ``preprocess_input`` and
``decode_predictions``.
"""

from __future__ import annotations

import keras

from classic.models._common import input_shape_of
from classic.models.alexnet import alexnet
from classic.models.densenet import densenet121, densenet169, densenet201
from classic.models.equality import same_network
from classic.models.inception import googlenet
from classic.models.lenet import lenet5
from classic.models.resnet import resnet18, resnet34, resnet50, resnet101, resnet152
from classic.models.vgg import vgg11, vgg13, vgg16, vgg19
from classic.models.zfnet import zfnet

# The course's order: the post's sections, LeNet-5 (1998) to DenseNet (2017).
_BUILDERS = {
    "lenet5": lenet5,
    "alexnet": alexnet,
    "zfnet": zfnet,
    "vgg11": vgg11,
    "vgg13": vgg13,
    "vgg16": vgg16,
    "vgg19": vgg19,
    "googlenet": googlenet,
    "resnet18": resnet18,
    "resnet34": resnet34,
    "resnet50": resnet50,
    "resnet101": resnet101,
    "resnet152": resnet152,
    "densenet121": densenet121,
    "densenet169": densenet169,
    "densenet201": densenet201,
}


def names() -> tuple[str, ...]:
    """The names :func:`build` accepts, in the course's order."""
    return tuple(_BUILDERS)


def build(name: str, **kwargs):
    """Build a network by name, e.g. ``build("lenet5", input_shape=(32, 32, 1))``."""
    if name not in _BUILDERS:
        raise ValueError(f"Unknown model {name!r}. Known models: {', '.join(names())}")
    return _BUILDERS[name](**kwargs)


def block_model(block, input_shape, prefix: str, *, name: str | None = None, **kwargs):
    """One block of a deep network as a model of its own, to diagram or tabulate it alone.

    ``block(x, name=prefix, **kwargs)`` adds the block's layers to a ``keras.Input`` of
    ``input_shape``, e.g. ``block_model(resnet.bottleneck_block, (56, 56, 256),
    "conv2_block2", filters=64, stride=1)``; the model is called ``name`` (default ``prefix``).
    """
    if not callable(block):
        raise ValueError(
            "block: expected a block function such as classic.models.resnet.basic_block. "
            f"Received: block={block!r}"
        )
    shape = input_shape_of(input_shape)
    if not isinstance(prefix, str) or not prefix:
        raise ValueError(f"prefix: expected a non-empty layer-name prefix. Received: {prefix!r}")
    inputs = keras.Input(shape, name="input")
    outputs = block(inputs, name=prefix, **kwargs)
    return keras.Model(inputs, outputs, name=name or prefix)


__all__ = ["block_model", "build", "names", "same_network", *_BUILDERS]
