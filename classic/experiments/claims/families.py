"""Notebook 8's experiment: one small member of each family, all trained the same way."""

from __future__ import annotations

from classic.experiments.claims.common import (
    CIFAR_CPU,
    CIFAR_GPU,
    DENSENET,
    DIGITS_CI,
    GOOGLENET,
    RESNET,
    VGG,
)
from classic.experiments.claims.densenet import DENSENET_BC_100
from classic.experiments.design import Arm, Experiment, Paper, Setting, Variant
from classic.experiments.registry import register

# Notebook 8: one small member of each family, all trained the same way. Where a paper defines a
# CIFAR-10 network (ResNet, DenseNet), the course's version of it from notebooks 6 and 7; else the
# ImageNet network at a quarter of its widths, as notebooks 2-5 train them.
_FAMILIES_CPU = Setting(**CIFAR_CPU, image_size=32, epochs=8)
_FAMILIES_CI = Setting(**DIGITS_CI, image_size=32, channels=3)
_FAMILIES_GPU = Setting(**CIFAR_GPU, image_size=32, epochs=25)

register(
    Experiment(
        name="families",
        notebook="08_summary",
        claim=(
            "Each family improved on the ones before it: every paper of the course reports a "
            "lower error than the networks it set out to beat. Does the order of the years "
            "hold for small versions trained the same way on the same small data set?"
        ),
        paper=Paper(
            result=(
                "no paper trains all seven: each reports its own network on its own data "
                "(classic.summary.reported(), one row per family)"
            ),
            citation="the seven papers of the course",
            setting=(
                "MNIST for LeNet-5; ImageNet at 224x224 for AlexNet to GoogLeNet (ResNet and "
                "DenseNet too); CIFAR-10 with shifts and mirrors for ResNet-20 and DenseNet-BC; "
                "each with its own optimizer, schedule and tens to hundreds of epochs"
            ),
        ),
        differs=(
            "the same for every network: the CIFAR-10 copy (9,000 training images at 32x32, "
            "no augmentation), enlarged inside the model where a network needs more (ZF-Net "
            "47x47, AlexNet 67x67, the smallest inputs they accept), 568 optimizer steps of Adam "
            "with a cosine decay from 0.001, batch 128; ImageNet networks at a quarter of their "
            "widths; VGG and GoogLeNet with batch normalization, as notebooks 4 and 5 train "
            "them; ResNet-20 at half width and DenseNet-BC with L=22 as in notebooks 6 and 7"
        ),
        arms=(
            Arm("LeNet-5", "lenet5"),
            Arm("AlexNet/4", "alexnet", {"width": 0.25}, image_size=67),
            Arm("ZF-Net/4", "zfnet", {"width": 0.25}, image_size=47),
            Arm("VGG-11/4 (BN)", VGG, {"config": "A", "width": 0.25, "batch_norm": True,
                                        "bn_momentum": 0.9}),
            Arm("GoogLeNet/4 (BN)", GOOGLENET, {"width": 0.25, "batch_norm": True,
                                                 "bn_momentum": 0.9, "lrn": False}),
            Arm("ResNet-20/2", RESNET, {"depth": 20, "width": 0.5, "bn_momentum": 0.9}),
            Arm("DenseNet-BC (L=22)", DENSENET, {"depth": 22, "bottleneck": True,
                                                  "compression": 0.5, "bn_momentum": 0.9}),
        ),
        settings={"cpu": _FAMILIES_CPU, "ci": _FAMILIES_CI, "gpu": _FAMILIES_GPU},
        live=("VGG-11/4 (BN)", "LeNet-5"),  # the first: supplies("families", profile)
        variants={"gpu": Variant(
            arms=(
                Arm("LeNet-5", "lenet5"),
                Arm("AlexNet", "alexnet", image_size=67),
                Arm("ZF-Net", "zfnet", image_size=47),
                Arm("VGG-11 (BN)", VGG, {"config": "A", "batch_norm": True,
                                          "bn_momentum": 0.9}),
                Arm("GoogLeNet (BN)", GOOGLENET, {"batch_norm": True, "bn_momentum": 0.9,
                                                   "lrn": False}),
                Arm("ResNet-20", RESNET, {"depth": 20, "bn_momentum": 0.9}),
                Arm("DenseNet-BC (L=100, k=12)", DENSENET,
                    {**DENSENET_BC_100, "bn_momentum": 0.9}),
            ),
            pairs=(("AlexNet", "LeNet-5"), ("ZF-Net", "AlexNet"), ("VGG-11 (BN)", "ZF-Net"),
                   ("GoogLeNet (BN)", "VGG-11 (BN)"), ("ResNet-20", "GoogLeNet (BN)"),
                   ("DenseNet-BC (L=100, k=12)", "ResNet-20")),
            live=("VGG-11 (BN)", "LeNet-5"),
            differs=(
                "the same for every network: CIFAR-10's 45,000 training images at 32x32, no "
                "augmentation, enlarged inside the model where a network needs more (ZF-Net "
                f"47x47, AlexNet 67x67), {_FAMILIES_GPU.steps:,} optimizer steps "
                f"({_FAMILIES_GPU.epochs} epochs of batch {_FAMILIES_GPU.batch_size}) of Adam "
                "with a cosine decay from 0.001; every network at full width; VGG and GoogLeNet "
                "with batch normalization, as notebooks 4 and 5 train them; ResNet-20 and "
                "DenseNet-BC (L=100, k=12) as the papers define them for CIFAR-10"
            ),
        )},
        # each network against the one it set out to beat, in the order of the papers
        pairs=(("AlexNet/4", "LeNet-5"), ("ZF-Net/4", "AlexNet/4"),
               ("VGG-11/4 (BN)", "ZF-Net/4"), ("GoogLeNet/4 (BN)", "VGG-11/4 (BN)"),
               ("ResNet-20/2", "GoogLeNet/4 (BN)"), ("DenseNet-BC (L=22)", "ResNet-20/2")),
    )
)
