"""Notebook 5's experiments: GoogLeNet's auxiliary classifiers, and its 1x1 reductions against
naive inception modules."""

from __future__ import annotations

from classic.experiments.claims.common import (
    CIFAR_CPU,
    CIFAR_GPU,
    DIGITS_CI,
    GOOGLENET,
)
from classic.experiments.design import Arm, Experiment, Paper, Setting, Variant
from classic.experiments.registry import register

_GOOGLENET_CPU = Setting(**CIFAR_CPU, image_size=65, epochs=6, options={
    "width": 0.25, "batch_norm": True, "bn_momentum": 0.9, "lrn": False})
_GOOGLENET_CI = Setting(**DIGITS_CI, image_size=65, channels=3, options={
    "width": 0.25, "batch_norm": True, "bn_momentum": 0.9, "lrn": False})
_GOOGLENET_GPU = Setting(**CIFAR_GPU, image_size=65, epochs=6, options={
    "batch_norm": True, "bn_momentum": 0.9, "lrn": False})
_GOOGLENET_WHAT = (
    "CIFAR-10 copy (9,000 training images of 32x32, enlarged to 65x65, the smallest input the "
    "auxiliary classifiers fit) instead of ImageNet at 224; widths / 4; batch normalization "
    "(momentum 0.9) and no LRN, so that the narrow net trains in 6 epochs of Adam instead of "
    "asynchronous SGD with momentum 0.9 and Polyak averaging (the paper gives no epoch count)"
)
_GOOGLENET_WHAT_GPU = (
    _GOOGLENET_WHAT.replace("CIFAR-10 copy (9,000 training images", "CIFAR-10 (45,000 training "
                            "images").replace("; widths / 4", "").replace("so that the narrow net",
                                                                           "so that the net")
)
_AUX_HEADS = ("; the heads' 5x5/3 pool sees the 5x5 map of a 65x65 input and outputs 1x1: "
              "global-pooling heads, not the paper's 4x4")

register(
    Experiment(
        name="googlenet_aux",
        notebook="05_googlenet",
        claim=(
            "The auxiliary classifiers on top of 4a and 4d help the training of the main "
            "classifier, but only a little ('a relatively minor effect')."
        ),
        paper=Paper(
            result=(
                "no table: later control experiments found 'a relatively minor effect (around "
                "0.5%)' (a sentence the arXiv v1 text does not have). The Inception-v3 paper "
                "(Szegedy et al., CVPR 2016, Section 4): training curves 'virtually identical' "
                "with and without the side heads until late in training, then slightly higher "
                "accuracy with them; it reads them as regularizers"
            ),
            citation="Szegedy et al., CVPR 2015, Section 5; CVPR 2016, Section 4",
            setting="ImageNet, 1.2 million images at 224x224, asynchronous SGD",
        ),
        differs=_GOOGLENET_WHAT + _AUX_HEADS,
        arms=(
            Arm("no auxiliary classifiers", GOOGLENET),
            Arm("auxiliary classifiers (weight 0.3)", GOOGLENET, {"aux_logits": True},
                loss_weights=(1.0, 0.3, 0.3)),
        ),
        settings={"cpu": _GOOGLENET_CPU, "ci": _GOOGLENET_CI, "gpu": _GOOGLENET_GPU},
        live=("auxiliary classifiers (weight 0.3)",),
        variants={"gpu": Variant(differs=_GOOGLENET_WHAT_GPU + _AUX_HEADS)},
    )
)

register(
    Experiment(
        name="googlenet_reductions",
        notebook="05_googlenet",
        claim=(
            "The 1x1 reductions make the inception module affordable: without them the "
            "network's computation blows up within a few stages (Section 4, Figure 2). The "
            "paper rejects the naive module on cost and never trains it: what does it give "
            "for that cost?"
        ),
        paper=Paper(
            result="no training figure: the naive module is rejected on cost alone",
            citation="Szegedy et al., CVPR 2015, Section 4 and Figure 2",
            setting="(not trained in the paper)",
        ),
        differs=_GOOGLENET_WHAT.replace(", the smallest input the auxiliary classifiers fit",
                                        ", as in googlenet_aux"),
        arms=(
            Arm("reduced modules (Figure 2(b))", GOOGLENET),
            Arm("naive modules (Figure 2(a))", GOOGLENET, {"modules": "naive"}),
        ),
        settings={"cpu": _GOOGLENET_CPU, "ci": _GOOGLENET_CI, "gpu": _GOOGLENET_GPU},
        variants={"gpu": Variant(differs=_GOOGLENET_WHAT_GPU.replace(
            ", the smallest input the auxiliary classifiers fit", ", as in googlenet_aux"))},
    )
)
