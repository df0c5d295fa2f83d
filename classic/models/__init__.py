"""The model zoo: one builder per network, in keras.applications' style, plus a registry."""

from __future__ import annotations

from classic.models.alexnet import alexnet
from classic.models.densenet import densenet121, densenet169, densenet201
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


__all__ = ["build", "names", *_BUILDERS]
