"""keras.applications' arguments on the course's builders, with keras.applications' behaviour.

For the eight networks keras.applications also has, each argument is tested against what its
documentation says and what its own network does with the same arguments: open height and
width without the top, 1 and 4 channels without weights, ``input_tensor`` after a strided
convolution, ``pooling="max"`` with the default input, the classifier's activation, and a
serialize/deserialize round trip. A sample of the course's own builders gets the same tests.
Expected channel counts and parameter differences are worked out by hand in the comments.
"""

import json

import keras
import numpy as np
import pytest
from keras.src.applications import imagenet_utils
from keras.src.utils import file_utils

import classic.models
from classic.models import densenet as dn
from classic.models import resnet as rn
from classic.models import vgg

# name -> (keras.applications' builder, channels of the last feature maps, first conv: k, filters)
EIGHT = {
    "vgg16": (keras.applications.VGG16, 512, (3, 64)),
    "vgg19": (keras.applications.VGG19, 512, (3, 64)),
    "resnet50": (keras.applications.ResNet50, 2048, (7, 64)),
    "resnet101": (keras.applications.ResNet101, 2048, (7, 64)),
    "resnet152": (keras.applications.ResNet152, 2048, (7, 64)),
    # a dense block adds 32 maps a layer, a transition halves them: 64 -> 64 + 6*32 = 256 -> 128
    # -> 128 + 12*32 = 512 -> 256, then 256 + 24*32 = 1024 -> 512 -> 512 + 16*32 = 1024 (121);
    # 256 + 32*32 = 1280 -> 640 -> 640 + 32*32 = 1664 (169); 256 + 48*32 = 1792 -> 896 -> 1920
    "densenet121": (keras.applications.DenseNet121, 1024, (7, 64)),
    "densenet169": (keras.applications.DenseNet169, 1664, (7, 64)),
    "densenet201": (keras.applications.DenseNet201, 1920, (7, 64)),
}


def _images(n, height, width, channels=3, seed=0):
    return np.random.default_rng(seed).uniform(0, 1, (n, height, width, channels)).astype(
        "float32")


@pytest.fixture(scope="module", params=list(EIGHT))
def open_pair(request):
    """(name, ours, keras.applications') without the top, height and width open."""
    name = request.param
    theirs = EIGHT[name][0](weights=None, include_top=False, input_shape=(None, None, 3))
    ours = classic.models.build(name, include_top=False, input_shape=(None, None, 3))
    yield name, ours, theirs
    keras.utils.clear_session()


@pytest.mark.slow
def test_open_sizes_without_the_top_as_keras_applications(open_pair):
    name, ours, theirs = open_pair
    channels = EIGHT[name][1]
    assert ours.input_shape == theirs.input_shape == (None, None, None, 3)
    assert ours.output_shape == theirs.output_shape == (None, None, None, channels)
    assert ours.count_params() == theirs.count_params()
    for height, width in ((64, 64), (96, 80)):  # any size works, and the maps agree
        x = _images(1, height, width)
        assert ours(x).shape == theirs(x).shape


@pytest.mark.slow
def test_round_trip_through_serialization(open_pair):
    name, ours, _ = open_pair
    clone = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(ours))
    clone.set_weights(ours.get_weights())
    assert [layer.name for layer in clone.layers] == [layer.name for layer in ours.layers]
    x = _images(1, 64, 64)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(clone(x)),
                               keras.ops.convert_to_numpy(ours(x)), rtol=1e-5, atol=1e-5)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(EIGHT))
def test_one_and_four_channels_without_weights(name):
    _, channels, (kernel, filters) = EIGHT[name]
    three, one, four = (classic.models.build(name, include_top=False, input_shape=(None, None, c))
                        for c in (3, 1, 4))
    # only the first convolution's kernel depends on the channels: kernel x kernel x filters each
    per_channel = kernel * kernel * filters
    assert one.count_params() == three.count_params() - 2 * per_channel
    assert four.count_params() == three.count_params() + per_channel
    assert four(_images(1, 64, 64, 4)).shape == (1, 2, 2, channels)  # total stride 32
    with pytest.raises(ValueError, match="input_shape.*3 channels"):
        classic.models.build(name, include_top=False, input_shape=(64, 64, 4), weights="imagenet")


@pytest.mark.slow
@pytest.mark.parametrize("name", list(EIGHT))
def test_input_tensor_after_a_strided_convolution(name):
    reference, channels, _ = EIGHT[name]
    images = keras.Input((64, 64, 3), name="images")
    halved = keras.layers.Conv2D(3, 3, strides=2, padding="same", name="front")(images)
    ours = classic.models.build(name, include_top=False, input_tensor=halved, pooling="avg")
    theirs = reference(weights=None, include_top=False, input_tensor=halved, pooling="avg")
    assert ours.inputs[0] is images  # the model starts at the tensor's source, as theirs does
    assert theirs.inputs[0] is images
    assert "front" in [layer.name for layer in ours.layers]
    assert ours.output_shape == theirs.output_shape == (None, channels)
    assert ours(_images(2, 64, 64)).shape == (2, channels)
    # input_shape, when given too, must agree with the tensor
    classic.models.build(name, include_top=False, input_tensor=halved, input_shape=(32, 32, 3))
    with pytest.raises(ValueError, match="input_shape.*input_tensor"):
        classic.models.build(name, include_top=False, input_tensor=halved,
                             input_shape=(64, 64, 3))


@pytest.mark.slow
@pytest.mark.parametrize("name", list(EIGHT))
def test_pooling_max_with_the_default_input(name):
    model = classic.models.build(name, include_top=False, pooling="max")
    # the paper's input: keras.applications opens height and width here instead (documented)
    assert model.input_shape == (None, 224, 224, 3)
    assert EIGHT[name][0](weights=None, include_top=False, pooling="max").input_shape == (
        None, None, None, 3)
    assert model.output_shape == (None, EIGHT[name][1])
    assert isinstance(model.layers[-1], keras.layers.GlobalMaxPooling2D)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(EIGHT))
def test_classifier_activation(name):
    x = _images(2, 32, 32, seed=1) * 255
    logits = classic.models.build(name, input_shape=(32, 32, 3), classes=7,
                                  classifier_activation=None)
    assert logits.output_shape == (None, 7)
    assert logits.layers[-1].activation is keras.activations.linear
    softmax = classic.models.build(name, input_shape=(32, 32, 3), classes=7)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(softmax(x)).sum(axis=1), 1,
                               rtol=1e-5)
    # keras.applications: with pretrained weights only softmax or None (refused before loading)
    with pytest.raises(ValueError, match="classifier_activation"):
        classic.models.build(name, weights="imagenet", classifier_activation="relu")


def test_a_top_needs_a_fixed_size():
    with pytest.raises(ValueError, match="input_shape.*include_top=True.*fixed"):
        classic.models.resnet50(input_shape=(None, None, 3))
    with pytest.raises(ValueError, match="input_shape.*include_top=True.*fixed"):
        classic.models.vgg16(input_shape=(224, None, 3))
    # the open size came from the tensor: the message names the tensor's shape
    with pytest.raises(ValueError, match=r"`input_tensor`.*input_tensor.shape=\(None, None, None"):
        classic.models.resnet18(input_tensor=keras.Input((None, None, 3)))


def test_a_fixed_size_is_still_checked_against_the_smallest_input():
    with pytest.raises(ValueError, match="vgg16 needs an input of at least 32x32"):
        classic.models.vgg16(include_top=False, input_shape=(16, None, 3))
    with pytest.raises(ValueError, match="resnet18 needs an input of at least 32x32"):
        classic.models.resnet18(include_top=False, input_shape=(None, 31, 3))


@pytest.mark.parametrize("bad, match", [
    (np.zeros((1, 32, 32, 3), "float32"), "input_tensor.*Keras tensor.*ndarray"),
    (keras.Input((32, 3)), "input_tensor.*Keras tensor"),  # no spatial axes
])
def test_input_tensor_must_be_a_keras_tensor_of_images(bad, match):
    with pytest.raises(ValueError, match=match):
        classic.models.resnet18(include_top=False, input_tensor=bad)


@pytest.mark.parametrize("shape", [(None, None, None), (0, 32, 3), (32, 32, None), "32x32"])
def test_input_shape_still_refuses_what_it_refused(shape):
    with pytest.raises(ValueError, match="input_shape"):
        classic.models.resnet18(include_top=False, input_shape=shape)


# --------------------------------------------------------------------------- the course's own
# lenet5 ends at C5 (120 maps), AlexNet and ZF-Net at pool5 (256), VGG-11 at block5_pool (512),
# GoogLeNet at inception 5b (384 + 384 + 128 + 128 = 1024), ResNet-18 at conv5 (512), the CIFAR
# ResNet-20 at 64 maps and the CIFAR DenseNet (L=40, k=12) at 16 + 3 * 12 * 12 = 448.
COURSE = {
    "lenet5": (classic.models.lenet5, 120, 1, 32),
    "alexnet": (classic.models.alexnet, 256, 3, 67),
    "zfnet": (classic.models.zfnet, 256, 3, 47),
    "vgg11": (classic.models.vgg11, 512, 3, 32),
    "googlenet": (classic.models.googlenet, 1024, 3, 32),
    "resnet18": (classic.models.resnet18, 512, 3, 32),
    "cifar_resnet20": (rn.cifar_resnet, 64, 3, 8),
    "cifar_densenet40": (dn.cifar_densenet, 448, 3, 8),
}


@pytest.mark.parametrize("name", list(COURSE))
def test_the_course_builders_take_the_same_arguments(name):
    build, channels, native, size = COURSE[name]
    model = build(include_top=False, input_shape=(None, None, native))
    assert model.output_shape == (None, None, None, channels)
    assert model(_images(1, size, size, native)).shape[-1] == channels
    other = 4 if native == 3 else 3
    wider = build(include_top=False, input_shape=(size, size, other), pooling="max")
    assert wider.output_shape == (None, channels)
    images = keras.Input((2 * size, 2 * size, native))
    halved = keras.layers.AveragePooling2D(2, name="front")(images)
    on_tensor = build(include_top=False, input_tensor=halved, pooling="avg")
    assert on_tensor.inputs[0] is images and on_tensor.output_shape == (None, channels)
    with pytest.raises(ValueError, match="input_shape.*include_top=True"):
        build(input_shape=(None, None, native))
    with pytest.raises(ValueError, match="input_shape.*input_tensor"):
        build(include_top=False, input_tensor=halved, input_shape=(2 * size, 2 * size, native))
    with pytest.raises(ValueError, match="`weights`: .* has no published ImageNet weights"):
        build(weights="imagenet")
    logits = build(input_shape=(size, size, native), classes=5, classifier_activation=None)
    assert logits.output_shape == (None, 5)
    scores = keras.ops.convert_to_numpy(logits(_images(2, size, size, native)))
    assert not np.allclose(scores.sum(axis=1), 1)  # logits, not probabilities


@pytest.mark.parametrize("name", ["lenet5", "alexnet", "cifar_densenet40"])
def test_the_course_builders_round_trip(name):
    build, _, native, size = COURSE[name]
    model = build(include_top=False, input_shape=(None, None, native))
    clone = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(model))
    clone.set_weights(model.get_weights())
    x = _images(1, size, size, native)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(clone(x)),
                               keras.ops.convert_to_numpy(model(x)), rtol=1e-5, atol=1e-5)


# --------------------------------------------------------------------------- ImageNet helpers
def test_each_family_holds_keras_applications_preprocessing():
    assert vgg.preprocess_input is keras.applications.vgg16.preprocess_input
    assert rn.preprocess_input is keras.applications.resnet.preprocess_input
    assert dn.preprocess_input is keras.applications.densenet.preprocess_input
    assert vgg.decode_predictions is keras.applications.vgg16.decode_predictions
    assert rn.decode_predictions is keras.applications.resnet.decode_predictions
    assert dn.decode_predictions is keras.applications.densenet.decode_predictions
    red = np.array([[[[255.0, 0.0, 0.0]]]], "float32")  # one pure red RGB pixel
    # 'caffe' (VGG, ResNet): RGB -> BGR, minus ImageNet's BGR mean (103.939, 116.779, 123.68)
    for module in (vgg, rn):
        np.testing.assert_allclose(module.preprocess_input(red.copy())[0, 0, 0],
                                   [-103.939, -116.779, 255 - 123.68], rtol=1e-5)
    # 'torch' (DenseNet): / 255, minus mean (0.485, 0.456, 0.406), / std (0.229, 0.224, 0.225)
    np.testing.assert_allclose(dn.preprocess_input(red.copy())[0, 0, 0],
                               [(1 - 0.485) / 0.229, -0.456 / 0.224, -0.406 / 0.225], rtol=1e-4)


def test_decode_predictions_names_the_top_classes(tmp_path, monkeypatch):
    # offline: ImageNet's class index replaced by a file of the same form, written here
    index = {str(i): [f"n{i:08d}", f"class {i}"] for i in range(1000)}
    path = tmp_path / "imagenet_class_index.json"
    path.write_text(json.dumps(index))
    monkeypatch.setattr(file_utils, "get_file", lambda *args, **kwargs: str(path))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    scores = np.zeros((1, 1000), "float32")
    scores[0, [7, 3]] = 0.6, 0.3
    top = rn.decode_predictions(scores, top=2)[0]
    assert [(t[0], t[1]) for t in top] == [("n00000007", "class 7"), ("n00000003", "class 3")]
    np.testing.assert_allclose([t[2] for t in top], [0.6, 0.3])
