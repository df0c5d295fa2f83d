"""classic.gradients: the same gradients on every backend, checked against the closed form of a
softmax regression (d mean CE / dW = X^T (softmax(XW + b) - onehot) / n)."""

import keras
import numpy as np
import pytest

from classic.gradients import loss_gradients


def test_the_gradient_of_a_softmax_regression_is_its_closed_form():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 5)).astype("float32")
    y = rng.integers(0, 3, size=16)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3, activation="softmax")])
    dense = model.layers[-1]
    (kernel,) = loss_gradients(model, x, y, [dense.kernel])
    logits = x @ keras.ops.convert_to_numpy(dense.kernel) + keras.ops.convert_to_numpy(dense.bias)
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    expected = x.T @ (p - np.eye(3)[y]) / len(x)
    assert kernel.shape == (5, 3)
    np.testing.assert_allclose(kernel, expected, atol=1e-5)


def test_a_variable_of_another_model_is_named():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, name="mine")])
    other = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, name="theirs")])
    with pytest.raises(ValueError, match="^variables: .*theirs"):
        loss_gradients(model, np.zeros((1, 2)), np.zeros(1, int), [other.layers[0].kernel])


def test_the_model_is_left_as_it_was():
    """A training-mode call moves batch normalization's running statistics; they are put back."""
    model = keras.Sequential([keras.Input((4,)), keras.layers.BatchNormalization(),
                              keras.layers.Dense(2, activation="softmax")])
    before = [keras.ops.convert_to_numpy(v.value).copy() for v in model.non_trainable_variables]
    x = np.random.default_rng(1).normal(3.0, 2.0, size=(8, 4))
    loss_gradients(model, x, np.zeros(8, int), [model.layers[-1].kernel])
    for variable, value in zip(model.non_trainable_variables, before, strict=True):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(variable.value), value)


def test_a_model_with_several_outputs_is_refused():
    inputs = keras.Input((2,))
    model = keras.Model(inputs, [keras.layers.Dense(2)(inputs), keras.layers.Dense(2)(inputs)])
    with pytest.raises(ValueError, match="^model: .* has 2 outputs"):
        loss_gradients(model, np.zeros((1, 2)), np.zeros(1, int), [model.layers[1].kernel])
