"""Gradients of a network's loss with respect to some of its weights, on any Keras backend: the
notebooks look at gradient sizes (ResNet's shortcut adds 1 to the derivative), and Keras 3 has no
backend-neutral gradient call."""

from __future__ import annotations

import keras
import numpy as np


def loss_gradients(model, images, labels, variables) -> list[np.ndarray]:
    """The gradients of the mean sparse categorical cross-entropy of ``model`` on ``images`` and
    integer ``labels`` (training mode: batch statistics, dropout on) with respect to
    ``variables``, some of ``model.trainable_variables``; as NumPy arrays, in their order."""
    # by identity: two models built with the same layer names have variables of the same path
    known = {id(v): i for i, v in enumerate(model.trainable_variables)}
    missing = [v.path for v in variables if id(v) not in known]
    if missing:
        raise ValueError(f"variables: {missing[:3]} are not trainable variables of the model "
                         f"{model.name!r}")
    if len(model.outputs) != 1:
        raise ValueError(f"model: {model.name!r} has {len(model.outputs)} outputs; "
                         "loss_gradients takes a model with one")
    images = np.asarray(images, dtype="float32")
    labels = np.asarray(labels)
    backend = keras.backend.backend()
    if backend not in ("tensorflow", "jax", "torch"):
        raise ValueError(f"KERAS_BACKEND: loss_gradients runs on tensorflow, jax or torch, not "
                         f"{backend!r}")
    # a training-mode call moves batch normalization's statistics on TensorFlow and torch
    # (stateless on JAX): put them back, so that every backend leaves the model as it was
    kept = [keras.ops.convert_to_numpy(v.value) for v in model.non_trainable_variables]
    try:
        if backend == "tensorflow":
            gradients = _tensorflow(model, images, labels, variables)
        elif backend == "jax":
            gradients = _jax(model, images, labels, [known[id(v)] for v in variables])
        else:
            gradients = _torch(model, images, labels, variables)
    finally:
        for variable, value in zip(model.non_trainable_variables, kept, strict=True):
            variable.assign(value)
    return [np.asarray(keras.ops.convert_to_numpy(g)) for g in gradients]


def _loss(outputs, labels):
    return keras.ops.mean(keras.losses.sparse_categorical_crossentropy(labels, outputs))


def _tensorflow(model, images, labels, variables):
    import tensorflow as tf

    with tf.GradientTape() as tape:
        loss = _loss(model(images, training=True), labels)
    return tape.gradient(loss, variables)


def _jax(model, images, labels, indices):
    import jax

    trainable = [v.value for v in model.trainable_variables]
    fixed = [v.value for v in model.non_trainable_variables]

    def loss(values):  # a pure function of the weights, as jax.grad needs
        outputs, _ = model.stateless_call(values, fixed, images, training=True)
        return _loss(outputs, labels)

    gradients = jax.grad(loss)(trainable)
    return [gradients[i] for i in indices]


def _torch(model, images, labels, variables):
    import torch

    loss = _loss(model(images, training=True), labels)
    return torch.autograd.grad(loss, [v.value for v in variables])
