"""Notebook 7's experiment: DenseNet, -B and -BC against a ResNet of DenseNet-BC's size,
accuracy against parameters, with Figure 5's connection weights."""

from __future__ import annotations

from classic.experiments.claims.common import (
    CIFAR_CPU,
    CIFAR_GPU,
    DENSENET,
    DIGITS_CI,
    RESNET,
)
from classic.experiments.design import Arm, Experiment, Paper, Setting, Variant
from classic.experiments.registry import register

# Half the CIFAR-10 copy and 6 epochs: a DenseNet-BC seed then takes two to four minutes on 2 cores
# (its many thin layers make it several times slower per image than ResNet-20 at half width).
_DENSENET_CPU = Setting(**{**CIFAR_CPU, "limit": 5_000}, image_size=32, epochs=6,
                        options={"bn_momentum": 0.9})
_DENSENET_CI = Setting(**DIGITS_CI, image_size=32, channels=3, options={"bn_momentum": 0.9})
_DENSENET_GPU = Setting(**CIFAR_GPU, image_size=32, epochs=2, options={"bn_momentum": 0.9})
DENSENET_BC_100 = {"depth": 100, "bottleneck": True, "compression": 0.5}

register(
    Experiment(
        name="densenet_efficiency",
        notebook="07_densenet",
        claim=(
            "DenseNet-BC is the most parameter-efficient variant (the most accurate for its "
            "parameters), and a DenseNet-BC matches a ResNet of several times its parameters "
            "(Sections 4.3 and 5, Figure 4, CIFAR-10)."
        ),
        paper=Paper(
            result=(
                "test error (Table 2), C10 (no augmentation, dropout 0.2) / C10+: DenseNet "
                "(L=40, k=12, 1.0M) 7.00% / 5.24%, DenseNet-BC (L=100, k=12, 0.8M) 5.92% / "
                "4.51%; a DenseNet-BC with 0.8M parameters is as accurate as a 1001-layer "
                "pre-activation ResNet with 10.2M (Table 2; Figure 4, right)"
            ),
            citation="Huang et al., CVPR 2017, Table 2, Figure 4",
            setting="CIFAR-10, 50,000 images with shifts and mirrors, 300 epochs of SGD "
                    "(batch 64, learning rate 0.1 divided by 10 at 50% and 75%)",
        ),
        differs=(
            "L = 22 (6 layers per block, 3 bottleneck layers for -B and -BC) instead of 40 to "
            "250; half the CIFAR-10 copy (4,500 training images, no augmentation) instead of "
            "50,000 with shifts and mirrors; 216 optimizer steps of Adam with a cosine decay "
            "instead of about 235,000 of SGD with Nesterov momentum and weight decay 1e-4; the "
            "ResNet is ResNet-20 at half width (option A "
            "shortcuts), "
            "chosen for its parameter count close to DenseNet-BC's"
        ),
        arms=(
            Arm("DenseNet", DENSENET, {"depth": 22}),
            Arm("DenseNet-B", DENSENET, {"depth": 22, "bottleneck": True}),
            Arm("DenseNet-BC", DENSENET, {"depth": 22, "bottleneck": True,
                                           "compression": 0.5}),
            Arm("ResNet-20 (half width)", RESNET, {"depth": 20, "width": 0.5}),
        ),
        settings={"cpu": _DENSENET_CPU, "ci": _DENSENET_CI, "gpu": _DENSENET_GPU},
        measure="classic.experiments:dense_connections",
        pairs=(("DenseNet-B", "DenseNet"), ("DenseNet-BC", "DenseNet"),
               ("DenseNet-BC", "DenseNet-B"), ("DenseNet-BC", "ResNet-20 (half width)")),
        live=("DenseNet-BC",),
        variants={"gpu": Variant(
            arms=(
                Arm("DenseNet", DENSENET, {"depth": 40}),
                Arm("DenseNet-BC", DENSENET, DENSENET_BC_100),
                Arm("ResNet-56", RESNET, {"depth": 56}),
            ),
            pairs=(("DenseNet-BC", "DenseNet"), ("DenseNet-BC", "ResNet-56")),
            differs=(
                "the arms are Table 2's DenseNet (L=40, k=12) and DenseNet-BC (L=100, k=12), so "
                "they differ in depth as well as in bottlenecks and compression, and He et al.'s "
                "ResNet-56 (their Table 6), the CIFAR ResNet closest to DenseNet-BC's size; "
                "45,000 of CIFAR-10's 50,000 training images, without the paper's shifts and "
                "mirrors; "
                f"{_DENSENET_GPU.steps:,} optimizer steps ({_DENSENET_GPU.epochs} epochs of batch "
                f"{_DENSENET_GPU.batch_size}) of Adam with a cosine decay instead of about "
                "235,000 of SGD with Nesterov momentum and weight decay 1e-4 (300 epochs of "
                "batch 64)"
            ),
        )},
    )
)
