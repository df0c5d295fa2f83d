"""Notebook 2's experiments: the AlexNet paper's Figure 1 (ReLU against tanh) and its
ingredients one at a time (ReLU, LRN, overlapping pooling, augmentation, dropout)."""

from __future__ import annotations

from classic.experiments.claims.common import (
    CIFAR_CPU,
    CIFAR_GPU,
    DIGITS_CI,
)
from classic.experiments.design import Arm, Experiment, Paper, Setting, Variant
from classic.experiments.registry import register

ALEXNET_CPU = Setting(**CIFAR_CPU, image_size=67, epochs=12, options={"width": 0.25})
ALEXNET_CI = Setting(**DIGITS_CI, image_size=67, channels=3, options={"width": 0.25})
ALEXNET_GPU = Setting(**CIFAR_GPU, image_size=67, epochs=90)
ALEXNET_ARM = "alexnet"
ALEXNET_WHAT = (
    "CIFAR-10 copy (9,000 training images of 32x32, enlarged to 77x77 and cropped to 67x67) "
    "instead of 1.2 million ImageNet images at 224; widths / 4; 12 epochs instead of 90; "
    "Adam instead of SGD with momentum and weight decay"
)
ALEXNET_WHAT_GPU = (
    "CIFAR-10 (45,000 training images of 32x32, enlarged to 77x77 and cropped to 67x67) "
    "instead of 1.2 million ImageNet images at 224; as many epochs as the paper (90), so under "
    "4% of the images it saw; Adam instead of SGD with momentum and weight decay"
)

register(
    Experiment(
        name="alexnet_relu_figure1",
        notebook="02_alexnet",
        claim=(
            "A four-layer convolutional network with ReLUs reaches 25% training error on "
            "CIFAR-10 six times faster than the same network with tanh units (Section 3.1, "
            "Figure 1)."
        ),
        paper=Paper(
            result="ReLU reaches 25% training error about 6x sooner than tanh",
            citation="Krizhevsky et al., NeurIPS 2012, Section 3.1 and Figure 1",
            setting=(
                "CIFAR-10, each network's learning rate chosen to train it as fast as possible, "
                "no regularization; the caption states neither the images used nor the optimizer"
            ),
        ),
        differs=(
            "9,000 images of the CIFAR-10 copy, the same Adam learning rate for both arms "
            "(the paper tuned each), training error read once an epoch"
        ),
        arms=(
            Arm("ReLU", "classic.models.alexnet:four_layer_cnn", {"activation": "relu"}),
            Arm("tanh", "classic.models.alexnet:four_layer_cnn", {"activation": "tanh"}),
        ),
        settings={
            "cpu": Setting(**CIFAR_CPU, image_size=32, epochs=20, batch_size=64,
                           seeds=(0, 1, 2, 3, 4)),
            "ci": Setting(**DIGITS_CI, image_size=32, channels=3),
            "gpu": Setting(**CIFAR_GPU, image_size=32, epochs=35, batch_size=64,
                           seeds=(0, 1, 2, 3, 4)),
        },
        metric="steps_to_train_error",
        target_train_error=0.25,
        variants={"gpu": Variant(differs=(
            "45,000 of CIFAR-10's 50,000 training images (5,000 held out), the same Adam "
            "learning rate for both arms (the paper tuned each), training error read once an "
            "epoch, 35 epochs (the length of Figure 1's axis)"
        ))},
    )
)

register(
    Experiment(
        name="alexnet_ablations",
        notebook="02_alexnet",
        claim=(
            "Each of AlexNet's ingredients helps: ReLU (Section 3.1), local response "
            "normalization (3.3), overlapping pooling (3.4), augmentation (4.1) and dropout (4.2)."
        ),
        paper=Paper(
            result=(
                "LRN: 1.4 points less top-1 error; overlapping pooling: 0.4; without "
                "augmentation 'substantial overfitting'; without dropout 'substantial "
                "overfitting'"
            ),
            citation="Krizhevsky et al., NeurIPS 2012, Sections 3.3, 3.4, 4.1 and 4.2",
            setting="ImageNet, 1.2 million images at 224x224, 90 epochs, two GPUs",
        ),
        differs=ALEXNET_WHAT,
        arms=(
            Arm("AlexNet (all of the paper's choices)", ALEXNET_ARM, augment=256 / 224),
            Arm("tanh instead of ReLU", ALEXNET_ARM, {"activation": "tanh"}, augment=256 / 224),
            Arm("no LRN", ALEXNET_ARM, {"lrn": False}, augment=256 / 224),
            Arm("2x2/2 pooling", ALEXNET_ARM, {"pool": (2, 2)}, augment=256 / 224),
            Arm("no dropout", ALEXNET_ARM, {"dropout": 0.0}, augment=256 / 224),
            Arm("no augmentation", ALEXNET_ARM),
        ),
        settings={"cpu": ALEXNET_CPU, "ci": ALEXNET_CI, "gpu": ALEXNET_GPU},
        live=("AlexNet (all of the paper's choices)",),
        variants={"gpu": Variant(differs=ALEXNET_WHAT_GPU)},
    )
)
