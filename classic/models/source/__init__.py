"""The source post's own networks, rebuilt in today's Keras with stable layer names.

The post (Nani_xiao, "Keras封装实现经典深度网络框架 VGG-16, ZF-Net, Alex-Net, LeNet, Google-Net,
ResNet, DenseNet-50", CSDN, 2019, CC BY-SA 4.0) wrote LeNet, AlexNet, ZF-Net and VGG-16 as Keras 2
``Sequential`` models, GoogLeNet and ResNet-50 as functional models, and DenseNet-121 in Keras 1.
Each builder here keeps the post's layer settings, bugs included, so a notebook can put it next
to the paper's network; ``DEPARTURES`` lists, per network, what the post changes and why it matters.

Where the post leaves a layer unnamed, the layer gets a stable name here (``conv1``, ``pool1``,
``inception_3a_5x5_conv``, ``conv2_block1_0_conv``); where it names layers, its scheme is kept
(``Conv2d_BN``'s ``name + "_conv"`` and ``name + "_bn"``). The post's DenseNet does not run in
Keras 3: :data:`DENSENET_KERAS1` lists the calls that would have to change, and no builder is given.

One module per network of the post: :mod:`.lenet`; :mod:`.plain` (AlexNet, ZF-Net and VGG-16,
the post's plain Sequential stacks); :mod:`.googlenet`; :mod:`.resnet`; :mod:`.densenet` (the
Keras 1 calls). :mod:`.departure` holds the errata's row, :class:`Departure`. This module keeps
the registries, :data:`BUILDERS` and :data:`DEPARTURES`, with :func:`build` and :func:`errata`,
and every public name of the networks' modules.
"""

from __future__ import annotations

from classic.models.source.densenet import (
    DENSENET_DEPARTURES,
    DENSENET_KERAS1,
    POST_DENSENET121,
    ApiChange,
    keras1_changes,
)
from classic.models.source.departure import Departure
from classic.models.source.googlenet import (
    GOOGLENET_DEPARTURES,
    GOOGLENET_WINDOWS,
    POST_GOOGLENET,
    post_googlenet,
)
from classic.models.source.lenet import LENET_DEPARTURES, LENET_WINDOWS, post_lenet
from classic.models.source.plain import (
    ALEXNET_DEPARTURES,
    POST_ALEXNET,
    POST_VGG16,
    POST_ZFNET,
    VGG16_DEPARTURES,
    ZFNET_DEPARTURES,
    Conv,
    Pool,
    post_alexnet,
    post_vgg16,
    post_zfnet,
)
from classic.models.source.resnet import (
    POST_RESNET50,
    POST_SHORTCUT_KERNEL,
    RESNET50_DEPARTURES,
    RESNET50_WINDOWS,
    PostStage,
    post_resnet50,
)
from classic.tables import Table

BUILDERS = {
    "lenet": post_lenet,
    "alexnet": post_alexnet,
    "zfnet": post_zfnet,
    "vgg16": post_vgg16,
    "googlenet": post_googlenet,
    "resnet50": post_resnet50,
}
DEPARTURES = {
    "lenet": LENET_DEPARTURES,
    "alexnet": ALEXNET_DEPARTURES,
    "zfnet": ZFNET_DEPARTURES,
    "vgg16": VGG16_DEPARTURES,
    "googlenet": GOOGLENET_DEPARTURES,
    "resnet50": RESNET50_DEPARTURES,
    "densenet121": DENSENET_DEPARTURES,
}


def build(name: str, **kwargs):
    """Build one of the post's networks by its short name, e.g. ``build("vgg16")``."""
    if name not in BUILDERS:
        raise ValueError(
            f"Unknown network {name!r}. Known: {', '.join(BUILDERS)} (the post's DenseNet is "
            "Keras 1 code and has no builder: see keras1_changes())"
        )
    return BUILDERS[name](**kwargs)


def errata(name: str) -> Table:
    """The post's departures from the paper for one network, as a table."""
    if name not in DEPARTURES:
        raise ValueError(f"Unknown network {name!r}. Known: {', '.join(DEPARTURES)}")
    rows = [[d.aspect, d.post, d.paper, d.why_it_matters] for d in DEPARTURES[name]]
    return Table(["aspect", "the post's code", "the paper", "why it matters"], rows,
                 title=f"The post's {name} against the paper")


__all__ = [
    "ALEXNET_DEPARTURES",
    "BUILDERS",
    "DENSENET_DEPARTURES",
    "DENSENET_KERAS1",
    "DEPARTURES",
    "GOOGLENET_DEPARTURES",
    "GOOGLENET_WINDOWS",
    "LENET_DEPARTURES",
    "LENET_WINDOWS",
    "POST_ALEXNET",
    "POST_DENSENET121",
    "POST_GOOGLENET",
    "POST_RESNET50",
    "POST_SHORTCUT_KERNEL",
    "POST_VGG16",
    "POST_ZFNET",
    "RESNET50_DEPARTURES",
    "RESNET50_WINDOWS",
    "VGG16_DEPARTURES",
    "ZFNET_DEPARTURES",
    "ApiChange",
    "Conv",
    "Departure",
    "Pool",
    "PostStage",
    "build",
    "errata",
    "keras1_changes",
    "post_alexnet",
    "post_googlenet",
    "post_lenet",
    "post_resnet50",
    "post_vgg16",
    "post_zfnet",
]
