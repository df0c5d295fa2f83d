"""``weights=``: keras.applications' weight files load into the course's networks by layer name.

Offline: each file is saved here from keras.applications' own network built with
``weights=None`` and its weights perturbed (biases and BatchNormalization statistics are not
left at their initial zeros and ones, so a weight copied into the wrong layer shows in the
outputs). The download itself is never attempted: the offline case replaces Keras' downloader.
"""

import keras
import numpy as np
import pytest
from keras.src.applications import densenet as keras_densenet
from keras.src.applications import resnet as keras_resnet
from keras.src.applications import vgg16 as keras_vgg16
from keras.src.applications import vgg19 as keras_vgg19
from keras.src.utils import file_utils

import classic.models
from classic.models import pretrained


def perturbed(model, seed=0):
    """``model`` with every weight moved by a little noise (variances stay positive)."""
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        if layer.weights:
            layer.set_weights([w + rng.normal(0, 0.05, w.shape).astype(w.dtype)
                               for w in layer.get_weights()])
    return model


def saved(model, folder):
    path = folder / f"{model.name}.weights.h5"
    model.save_weights(path)
    return path


def images(size, n=2):
    return np.random.default_rng(1).uniform(0, 255, (n, size, size, 3)).astype("float32")


@pytest.mark.slow
def test_vgg16_with_top_equals_keras_applications(tmp_path):
    # At 32x32 the top is small enough to save (fc1 takes 512 features, not 25,088).
    ref = perturbed(keras.applications.VGG16(
        weights=None, input_shape=(32, 32, 3), classifier_activation=None))
    ours = classic.models.vgg16(
        input_shape=(32, 32, 3), classifier_activation=None, weights=saved(ref, tmp_path))
    x = images(32)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(ours(x)), keras.ops.convert_to_numpy(ref(x)),
        rtol=1e-4, atol=1e-4)


@pytest.mark.slow
def test_weights_load_behind_an_input_tensor(tmp_path):
    # the user's own layer (with weights of its own) in front: it keeps them, VGG-16 gets its
    ref = perturbed(keras.applications.VGG16(weights=None, include_top=False,
                                             input_shape=(32, 32, 3)))
    inputs = keras.Input((32, 32, 3))
    front = keras.layers.Conv2D(3, 1, name="front")
    ours = classic.models.vgg16(include_top=False, input_tensor=front(inputs),
                                weights=saved(ref, tmp_path))
    before = front.get_weights()
    x = images(32)
    expected = ref(front(x))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(ours(x)),
                               keras.ops.convert_to_numpy(expected), rtol=1e-4, atol=1e-4)
    assert all(np.array_equal(a, b) for a, b in zip(front.get_weights(), before, strict=True))


@pytest.mark.slow
@pytest.mark.parametrize("name, reference", [
    ("resnet50", keras.applications.ResNet50),
    ("densenet121", keras.applications.DenseNet121),
])
def test_features_equal_keras_applications(tmp_path, name, reference):
    ref = perturbed(reference(weights=None, include_top=False, input_shape=(64, 64, 3),
                              pooling="avg"))
    ours = classic.models.build(name, input_shape=(64, 64, 3), include_top=False, pooling="avg",
                                weights=saved(ref, tmp_path))
    x = images(64)
    expected = keras.ops.convert_to_numpy(ref(x))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(ours(x)), expected,
                               rtol=1e-4, atol=1e-4 * np.abs(expected).max())


def test_networks_without_published_weights_take_none_only():
    for name in ("lenet5", "alexnet", "zfnet", "vgg11", "vgg13", "googlenet", "resnet18",
                 "resnet34"):
        with pytest.raises(ValueError, match=rf"`weights`: {name} has no published"):
            classic.models.build(name, weights="imagenet")
    with pytest.raises(ValueError, match="densenet264 has no published"):
        classic.models.densenet.densenet264(weights="imagenet")


@pytest.mark.parametrize("kwargs, argument", [
    (dict(weights="imagenet", classes=10), "classes"),
    (dict(weights="imagenet", input_shape=(64, 64, 3)), "input_shape"),
    (dict(weights="imagenet", include_top=False, input_shape=(64, 64, 1)), "input_shape"),
    (dict(weights="imagenet", width=0.5), "width"),
    (dict(weights="imagenet", batch_norm=True), "batch_norm"),
    (dict(weights=3), "weights"),
    (dict(weights="no/such/file.weights.h5"), "weights"),
])
def test_bad_arguments_name_themselves_before_any_download(kwargs, argument, monkeypatch):
    monkeypatch.setattr(file_utils, "get_file", _no_network)
    with pytest.raises(ValueError, match=rf"`{argument}`.*Received: {argument}="):
        classic.models.vgg16(**kwargs)


def test_variants_without_published_weights_name_their_argument():
    with pytest.raises(ValueError, match="`variant`.*v1"):
        classic.models.resnet50(weights="imagenet", variant="v1.5")
    with pytest.raises(ValueError, match="`shortcut`"):
        classic.models.resnet50(weights="imagenet", shortcut="C")
    with pytest.raises(ValueError, match="`growth_rate`"):
        classic.models.densenet121(weights="imagenet", growth_rate=12)
    with pytest.raises(ValueError, match="densenet63_plain has no published"):
        classic.models.densenet121(weights="imagenet", bottleneck=False, compression=1.0)


def _no_network(*args, **kwargs):
    raise Exception("URL fetch failure: [Errno -3] Temporary failure in name resolution")


def test_offline_imagenet_says_which_file_to_fetch(monkeypatch):
    monkeypatch.setattr(file_utils, "get_file", _no_network)
    with pytest.raises(pretrained.WeightsUnavailable) as caught:
        classic.models.vgg16(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
    message = str(caught.value)
    assert "name resolution" in message  # the reason
    assert pretrained.weights_url("vgg16", include_top=False) in message  # what to download
    assert "vgg16(weights='/path/to/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5')" in message


def test_weight_addresses_are_keras_applications_own():
    expected = {
        ("vgg16", True): keras_vgg16.WEIGHTS_PATH,
        ("vgg16", False): keras_vgg16.WEIGHTS_PATH_NO_TOP,
        ("vgg19", True): keras_vgg19.WEIGHTS_PATH,
        ("vgg19", False): keras_vgg19.WEIGHTS_PATH_NO_TOP,
    }
    for depth in (50, 101, 152):
        for top, suffix in ((True, ""), (False, "_notop")):
            expected[f"resnet{depth}", top] = (
                f"{keras_resnet.BASE_WEIGHTS_PATH}resnet{depth}_weights_tf_dim_ordering_tf_kernels"
                f"{suffix}.h5")
    for size in (121, 169, 201):
        expected[f"densenet{size}", True] = getattr(keras_densenet, f"DENSENET{size}_WEIGHT_PATH")
        expected[f"densenet{size}", False] = getattr(
            keras_densenet, f"DENSENET{size}_WEIGHT_PATH_NO_TOP")
    assert {name for name, _ in expected} == set(pretrained.PUBLISHED)
    for (name, top), url in expected.items():
        assert pretrained.weights_url(name, top) == url
