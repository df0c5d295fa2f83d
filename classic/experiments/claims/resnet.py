"""Notebook 6's experiments: degradation (plain and residual networks at 20 and 56 layers,
Figures 6 and 7) and the shortcut options A, B and C (Table 3)."""

from __future__ import annotations

from classic.experiments.claims.common import (
    CIFAR_CPU,
    CIFAR_GPU,
    DIGITS_CI,
    RESNET,
)
from classic.experiments.design import Arm, Experiment, Paper, Setting, Variant
from classic.experiments.registry import register

_RESNET_CPU = Setting(**CIFAR_CPU, image_size=32, epochs=8, options={
    "width": 0.5, "bn_momentum": 0.9})
_RESNET_CI = Setting(**DIGITS_CI, image_size=32, channels=3, options={
    "width": 0.5, "bn_momentum": 0.9})
_RESNET_GPU = Setting(**CIFAR_GPU, image_size=32, epochs=30, options={"bn_momentum": 0.9})
_RESNET_WHAT = (
    "CIFAR-10 copy (9,000 training images) instead of 45,000 with padding, crops and flips; "
    "widths 8, 16, 32 instead of 16, 32, 64; 568 optimizer steps of Adam with a cosine decay "
    "instead of 64,000 of SGD (momentum 0.9, weight decay 1e-4, learning rate 0.1 divided by "
    "10 at 32k and 48k), less than 1% of the paper's budget"
)
_RESNET_WHAT_GPU = (
    "45,000 training images (the paper's split for choosing its schedule; its final runs "
    "trained on all 50,000), without its padding, crops and flips; "
    f"{_RESNET_GPU.steps:,} optimizer steps ({_RESNET_GPU.epochs} epochs of batch "
    f"{_RESNET_GPU.batch_size}) of Adam with a cosine decay instead of 64,000 of SGD (momentum "
    "0.9, weight decay 1e-4, learning rate 0.1 divided by 10 at 32k and 48k), "
    f"{_RESNET_GPU.steps / 64_000:.1%} of the paper's budget"
)

register(
    Experiment(
        name="resnet_degradation",
        notebook="06_resnet",
        claim=(
            "Degradation: the deeper plain network has the higher training error (plain-56 "
            "above plain-20), and residual connections turn depth into lower error (ResNet-56 "
            "below ResNet-20) (Section 4.2, Figure 6)."
        ),
        paper=Paper(
            result=(
                "Figure 6: plain-56 has higher training and test error than plain-20 all "
                "through training; ResNet-56 ends below ResNet-20. Test error (Table 6): "
                "ResNet-20 8.75%, ResNet-56 6.97%"
            ),
            citation="He et al., CVPR 2016, Section 4.2, Figure 6 and Table 6",
            setting="CIFAR-10, 45,000 training images, batch 128, 64,000 steps of SGD",
        ),
        differs=_RESNET_WHAT,
        arms=(
            Arm("plain-20", RESNET, {"depth": 20, "residual": False}),
            Arm("plain-56", RESNET, {"depth": 56, "residual": False}),
            Arm("ResNet-20", RESNET, {"depth": 20}),
            Arm("ResNet-56", RESNET, {"depth": 56}),
        ),
        settings={"cpu": _RESNET_CPU, "ci": _RESNET_CI, "gpu": _RESNET_GPU},
        metric="train_accuracy",
        live=("ResNet-20",),
        variants={"gpu": Variant(differs=_RESNET_WHAT_GPU)},
        measure="classic.experiments:response_std",
        pairs=(("plain-56", "plain-20"), ("ResNet-56", "ResNet-20"),
               ("ResNet-20", "plain-20"), ("ResNet-56", "plain-56")),
    )
)

register(
    Experiment(
        name="resnet_shortcuts",
        notebook="06_resnet",
        claim=(
            "Projection shortcuts are not essential: B (projections where the shape changes) is "
            "slightly better than A (zero-padded identity), C (projections everywhere) slightly "
            "better than B (Section 4.1, Table 3)."
        ),
        paper=Paper(
            result="ResNet-34 top-1 error (10-crop): A 25.03%, B 24.52%, C 24.19%",
            citation="He et al., CVPR 2016, Table 3",
            setting="ImageNet, 1.28 million images at 224x224, 600,000 steps of SGD",
        ),
        differs="ResNet-20 on CIFAR-10 instead of ResNet-34 on ImageNet; " + _RESNET_WHAT,
        arms=(
            Arm("A: zero-padded identity", RESNET, {"depth": 20}),
            Arm("B: projections where the shape changes", RESNET,
                {"depth": 20, "shortcut": "B"}),
            Arm("C: projections everywhere", RESNET, {"depth": 20, "shortcut": "C"}),
        ),
        settings={"cpu": _RESNET_CPU, "ci": _RESNET_CI, "gpu": _RESNET_GPU},
        variants={"gpu": Variant(
            differs="ResNet-20 on CIFAR-10 instead of ResNet-34 on ImageNet; " + _RESNET_WHAT_GPU)},
    )
)
