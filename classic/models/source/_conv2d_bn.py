"""The post's ``Conv2d_BN`` (conv -> ReLU -> BN), shared by its GoogLeNet and its ResNet-50."""

from __future__ import annotations

import keras


def conv_relu_bn(x, filters, kernel, name, strides=1, padding="same"):
    """The post's ``Conv2d_BN``: Conv2D with a ReLU inside, *then* BatchNormalization(axis=3).

    Names follow the post's scheme: ``name + "_conv"`` and ``name + "_bn"``. Keras' default
    initializer (Glorot uniform) is kept, as the post gives none here.
    """
    x = keras.layers.Conv2D(filters, kernel, strides=strides, padding=padding, activation="relu",
                            name=f"{name}_conv")(x)
    return keras.layers.BatchNormalization(axis=3, name=f"{name}_bn")(x)
