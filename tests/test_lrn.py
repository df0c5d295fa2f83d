"""Local response normalization against the AlexNet paper's equation, TensorFlow and jit."""

import keras
import numpy as np
import pytest

from classic.layers import LocalResponseNormalization

TF_ONLY = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="compares with tf.nn on the TensorFlow backend"
)


def paper_lrn(a, r, k, alpha, beta):
    """Section 3.3, one map at a time: b_i = a_i / (k + alpha * sum_j a_j^2)^beta over the maps
    j = max(0, i - r) .. min(N - 1, i + r) (the paper writes n/2 for r)."""
    n_maps = a.shape[-1]
    b = np.empty_like(a, dtype="float64")
    for i in range(n_maps):
        lo, hi = max(0, i - r), min(n_maps - 1, i + r)
        energy = (a[..., lo : hi + 1].astype("float64") ** 2).sum(-1)
        b[..., i] = a[..., i] / (k + alpha * energy) ** beta
    return b


def run(layer, x):
    return keras.ops.convert_to_numpy(layer(x))


def test_defaults_are_the_papers():
    config = LocalResponseNormalization().get_config()
    # k = 2, n = 5 (so r = 2), alpha = 1e-4, beta = 0.75.
    assert (config["depth_radius"], config["bias"], config["alpha"], config["beta"]) == (
        2, 2.0, 1e-4, 0.75
    )


def test_three_maps_by_hand():
    # r = 1, k = 1, alpha = 1, beta = 1 on maps (1, 2, 3): the end maps have one neighbour.
    x = np.array([[[[1.0, 2.0, 3.0]]]], "float32")
    layer = LocalResponseNormalization(depth_radius=1, bias=1.0, alpha=1.0, beta=1.0)
    expected = [1 / (1 + 1 + 4), 2 / (1 + 1 + 4 + 9), 3 / (1 + 4 + 9)]
    np.testing.assert_allclose(run(layer, x)[0, 0, 0], expected, rtol=1e-6)


@pytest.mark.parametrize(("r", "k", "alpha", "beta"), [(2, 2.0, 1e-4, 0.75), (2, 2.0, 0.3, 0.75),
                                                      (1, 1.0, 0.5, 0.5), (0, 2.0, 0.1, 1.0)])
def test_matches_the_papers_equation(r, k, alpha, beta):
    x = np.random.default_rng(0).normal(scale=3.0, size=(2, 3, 4, 7)).astype("float32")
    layer = LocalResponseNormalization(depth_radius=r, bias=k, alpha=alpha, beta=beta)
    np.testing.assert_allclose(run(layer, x), paper_lrn(x, r, k, alpha, beta), rtol=1e-5)


def test_caffe_alpha_is_n_times_ours():
    # Caffe and PyTorch: b_i = a_i / (k + alpha_caffe / n * sum a_j^2)^beta with n = 2r + 1.
    x = np.random.default_rng(1).normal(scale=20.0, size=(1, 2, 2, 9)).astype("float32")
    n, alpha_caffe = 5, 5e-4
    caffe = paper_lrn(x, 2, 2.0, alpha_caffe / n, 0.75)
    ours = run(LocalResponseNormalization(alpha=1e-4), x)
    np.testing.assert_allclose(ours, caffe, rtol=1e-5)
    # ... and the same alpha in both conventions is not the same layer.
    assert not np.allclose(run(LocalResponseNormalization(alpha=alpha_caffe), x), caffe,
                           rtol=1e-3)


@TF_ONLY
def test_matches_tensorflow_with_alexnets_settings():
    import tensorflow as tf

    # Large activations, so that the normalization changes the values (by up to ~2x here).
    x = np.random.default_rng(2).normal(scale=30.0, size=(2, 5, 5, 96)).astype("float32")
    expected = tf.nn.local_response_normalization(
        x, depth_radius=2, bias=2.0, alpha=1e-4, beta=0.75
    ).numpy()
    np.testing.assert_allclose(run(LocalResponseNormalization(), x), expected, rtol=1e-5)
    assert np.abs(x / expected).max() > 1.5


def test_works_inside_jit_and_trains():
    keras.utils.set_random_seed(0)
    inputs = keras.Input((9, 9, 3))
    x = keras.layers.Conv2D(8, 3, activation="relu", name="conv")(inputs)
    x = LocalResponseNormalization(alpha=0.1, name="norm")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    outputs = keras.layers.Dense(2, name="out")(x)
    model = keras.Model(inputs, outputs)
    model.compile("sgd", "mse", jit_compile=True)
    x = np.random.default_rng(3).normal(scale=5.0, size=(4, 9, 9, 3)).astype("float32")
    eager = keras.ops.convert_to_numpy(model(x))
    np.testing.assert_allclose(model.predict(x, verbose=0), eager, rtol=1e-4, atol=1e-5)
    before = model.get_layer("conv").get_weights()[0].copy()
    loss = model.train_on_batch(x, np.ones((4, 2), "float32"))
    assert np.isfinite(loss)
    assert not np.allclose(before, model.get_layer("conv").get_weights()[0])


def test_config_round_trip_and_no_weights():
    layer = LocalResponseNormalization(depth_radius=3, bias=1.0, alpha=2e-5, beta=0.5, name="n")
    clone = LocalResponseNormalization.from_config(layer.get_config())
    x = np.random.default_rng(4).normal(size=(1, 2, 2, 8)).astype("float32")
    np.testing.assert_allclose(run(clone, x), run(layer, x))
    assert layer.count_params() == 0 and clone.name == "n"
    assert layer.compute_output_shape((None, 5, 5, 8)) == (None, 5, 5, 8)


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"depth_radius": -1}, "depth_radius"),
        ({"depth_radius": 1.5}, "depth_radius"),
        ({"depth_radius": True}, "depth_radius"),
        ({"bias": 0}, "bias"),
        ({"alpha": -1e-4}, "alpha"),
        ({"beta": "0.75"}, "beta"),
    ],
)
def test_bad_arguments(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        LocalResponseNormalization(**kwargs)
