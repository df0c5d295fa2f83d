"""Notebook 3's experiment: ZF-Net's smaller, denser first layers against the AlexNet they came
from, with its Figure 6 filter measure."""

from __future__ import annotations

from classic.experiments.claims.alexnet import (
    ALEXNET_ARM,
    ALEXNET_CI,
    ALEXNET_CPU,
    ALEXNET_WHAT,
    ALEXNET_WHAT_GPU,
)
from classic.experiments.claims.common import CIFAR_GPU
from classic.experiments.design import Arm, Experiment, Paper, Setting, Variant
from classic.experiments.registry import register

_ZFNET_GPU = Setting(**CIFAR_GPU, image_size=67, epochs=70)

register(
    Experiment(
        name="zfnet_vs_alexnet",
        notebook="03_zfnet",
        claim=(
            "ZF-Net's smaller, denser first layers (7x7/2 instead of 11x11/4, conv2 at stride 2) "
            "beat the AlexNet they were derived from, and its first-layer filters are healthier: "
            "fewer dead, fewer extreme frequencies (Section 4.1, Figure 6, Table 2)."
        ),
        paper=Paper(
            result=(
                "38.4% top-1 / 16.5% top-5 validation error against 40.5% / 18.1% for the "
                "authors' replication of AlexNet"
            ),
            citation="Zeiler and Fergus, ECCV 2014, Table 2 and Figure 6",
            setting="ImageNet 2012, 1.3 million images at 224x224, 70 epochs, one GPU",
        ),
        differs=ALEXNET_WHAT.replace("12 epochs instead of 90", "12 epochs instead of 70")
        .replace("1.2 million", "1.3 million")
        + "; both networks at 67x67, the input AlexNet needs",
        arms=(
            Arm("AlexNet, one tower", ALEXNET_ARM, {"groups": 1}, augment=256 / 224),
            Arm("ZF-Net", "zfnet", augment=256 / 224),
        ),
        settings={"cpu": ALEXNET_CPU, "ci": ALEXNET_CI, "gpu": _ZFNET_GPU},
        measure="classic.experiments:first_layer_filters",
        live=("ZF-Net",),
        variants={"gpu": Variant(differs=ALEXNET_WHAT_GPU.replace(
            "1.2 million", "1.3 million").replace("(90)", "(70)")
            + "; both networks at 67x67, the input AlexNet needs")},
    )
)
