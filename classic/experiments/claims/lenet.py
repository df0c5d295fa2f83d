"""Notebook 1's experiment: LeNet-5's design choices (sparse C3, scaled tanh with trainable
subsampling) against the alternatives that later replaced them."""

from __future__ import annotations

from classic.experiments.claims.common import (
    DIGITS_CI,
    MNIST_CPU,
    MNIST_GPU,
)
from classic.experiments.design import Arm, Experiment, Paper, Setting, Variant
from classic.experiments.registry import register

register(
    Experiment(
        name="lenet5",
        notebook="01_lenet",
        claim=(
            "LeNet-5's design choices described in Section II.B, Table I's sparse C3 and the "
            "scaled tanh with trainable subsampling, each tested here against the alternative "
            "that later replaced it (the paper reports no such comparison)."
        ),
        paper=Paper(
            result="0.95% test error (LeNet-5, Table I's C3, no distortions)",
            citation="LeCun et al., Proc. IEEE 1998, Section III.B",
            setting=(
                "60,000 MNIST training images for 20 passes, tested on MNIST's 10,000 test "
                "images, stochastic diagonal Levenberg-Marquardt, RBF output"
            ),
        ),
        differs=(
            "MNIST's 10,000 official test images as the whole data set, split 7,200 training / "
            "800 validation / 2,000 test; 20 epochs of Adam with a cosine decay; a softmax output"
        ),
        arms=(
            Arm("paper: sparse C3, tanh, subsampling", "lenet5"),
            Arm("full C3", "lenet5", {"c3_table": False}),
            Arm("ReLU + max pooling", "lenet5", {"variant": "modern", "c3_table": True}),
        ),
        settings={
            "cpu": Setting(**MNIST_CPU, seeds=(0, 1, 2, 3, 4)),
            "ci": Setting(**DIGITS_CI, image_size=32, channels=1),
            "gpu": Setting(**MNIST_GPU, epochs=15, seeds=(0, 1, 2, 3, 4)),
        },
        measure="classic.experiments:validation_by_position",
        live=("paper: sparse C3, tanh, subsampling",),  # the page's network
        variants={"gpu": Variant(differs=(
            "MNIST's 60,000 training images split 54,000 training / 6,000 validation, tested on "
            "its 10,000 test images; 15 epochs instead of 20 passes, of Adam with a cosine decay "
            "instead of stochastic diagonal Levenberg-Marquardt; a softmax output"
        ), measure="")},  # validation by file position means something only in the test set
    )
)
