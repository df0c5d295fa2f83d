"""Notebook 4's experiments: depth (configurations A, B, D, E), local response normalization
(A against A-LRN) and how the deep plain nets are started (initializers, Section 3.1's trick)."""

from __future__ import annotations

from classic.experiments.claims.common import (
    CIFAR_CPU,
    CIFAR_GPU,
    DIGITS_CI,
    VGG,
)
from classic.experiments.design import Arm, Experiment, Paper, Setting, Variant
from classic.experiments.registry import register

_VGG_CPU = Setting(**CIFAR_CPU, image_size=32, epochs=8, options={"width": 0.25})
_VGG_CI = Setting(**DIGITS_CI, image_size=32, channels=3, options={"width": 0.25})
_VGG_WHAT = (
    "CIFAR-10 copy (9,000 training images at 32x32) instead of ImageNet at 224; widths / 4; "
    "8 epochs instead of 74; Adam instead of SGD with momentum; no scale jittering"
)
_VGG_GPU = Setting(**CIFAR_GPU, image_size=32, epochs=74)
_VGG_WHAT_GPU = (
    "CIFAR-10 (45,000 training images at 32x32) instead of 1.3 million ImageNet images at 224; "
    "as many epochs as the paper (74), so under 4% of the images it saw; Adam instead of SGD with "
    "momentum; no scale jittering"
)
_VGG_BN = ("; batch normalization (momentum 0.9) in every arm, so that depth alone differs and "
           "the deep plain nets start")
_VGG_PLAIN = "; no batch normalization (the plain nets of the paper)"

register(
    Experiment(
        name="vgg_depth",
        notebook="04_vgg",
        claim=(
            "Error falls as depth grows from 11 to 16 weight layers and saturates at 19 "
            "(Section 4.1, Table 3)."
        ),
        paper=Paper(
            result="top-1 validation error A 29.6%, B 28.7%, D 27.0%, E 27.3% (single scale)",
            citation="Simonyan and Zisserman, ICLR 2015, Table 3",
            setting="ImageNet, 224x224 crops of images rescaled to 256, SGD, 74 epochs",
        ),
        differs=_VGG_WHAT + _VGG_BN,
        arms=tuple(
            Arm(f"{c} ({n} layers)", VGG, {"config": c, "batch_norm": True, "bn_momentum": 0.9})
            for c, n in (("A", 11), ("B", 13), ("D", 16), ("E", 19))
        ),
        settings={"cpu": _VGG_CPU, "ci": _VGG_CI, "gpu": _VGG_GPU},
        live=("A (11 layers)",),
        variants={"gpu": Variant(differs=_VGG_WHAT_GPU + _VGG_BN)},
    )
)

register(
    Experiment(
        name="vgg_lrn",
        notebook="04_vgg",
        claim="Local response normalization does not improve net A (Section 4.1, Table 3).",
        paper=Paper(
            result="top-1 validation error A 29.6%, A-LRN 29.7%",
            citation="Simonyan and Zisserman, ICLR 2015, Table 3",
            setting="ImageNet, 224x224 crops, SGD, 74 epochs",
        ),
        differs=_VGG_WHAT,
        arms=(Arm("A", VGG, {"config": "A"}), Arm("A-LRN", VGG, {"config": "A-LRN"})),
        settings={"cpu": _VGG_CPU, "ci": _VGG_CI, "gpu": _VGG_GPU},
        variants={"gpu": Variant(differs=_VGG_WHAT_GPU)},
    )
)

_A_LAYERS = ("block1_conv1", "block2_conv1", "block3_conv1", "block3_conv2", "fc1", "fc2",
             "predictions")

register(
    Experiment(
        name="vgg_init",
        notebook="04_vgg",
        claim=(
            "A plain 16-layer net is hard to start from random weights: the paper initialized "
            "it from a trained net A (Section 3.1); Glorot's and He's initializations are the "
            "alternatives."
        ),
        paper=Paper(
            result=(
                "no figure: 'bad initialisation can stall learning'; the paper copied A's first "
                "four convolutional and three fully connected layers into D, and notes after "
                "submission that Glorot's initialization works without pre-training"
            ),
            citation="Simonyan and Zisserman, ICLR 2015, Section 3.1",
            setting="ImageNet, SGD with momentum, learning rate 0.01",
        ),
        differs=_VGG_WHAT + _VGG_PLAIN,
        arms=(
            Arm("D, Glorot (Keras' default)", VGG, {"config": "D"}),
            Arm("D, He", VGG, {"config": "D", "kernel_initializer": "he_normal"}),
            Arm("D, the post's 'uniform'", VGG, {"config": "D", "kernel_initializer": "uniform"}),
            Arm("A (the donor)", VGG, {"config": "A"}),
            Arm("D from trained A", VGG, {"config": "D"}, init_from="A (the donor)",
                init_layers=_A_LAYERS),
        ),
        settings={"cpu": _VGG_CPU, "ci": _VGG_CI, "gpu": _VGG_GPU},
        variants={"gpu": Variant(differs=_VGG_WHAT_GPU + _VGG_PLAIN)},
    )
)
