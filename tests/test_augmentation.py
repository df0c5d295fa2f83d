"""Tests of classic.data's augmentation layers (classic/data/images.py): the random crop and
mirror of `augmentation`, Keras' crop and the one XLA compiles, and `augmented`, which puts
them in front of a model."""

import numpy as np
import pytest

from classic import data


def test_augmentation_crops_at_random_in_training_and_the_centre_in_inference():
    images = np.arange(2 * 8 * 8, dtype="float32").reshape(2, 8, 8, 1)
    layers = data.augmentation(crop=6, flip=False, seed=3)
    # Inference: the central 6x6 of the 8x8 image, rows and columns 1 to 6.
    centre = np.asarray(layers(images, training=False))
    np.testing.assert_array_equal(centre, images[:, 1:7, 1:7])
    # Training: some 6x6 window of the image, at offsets 0, 1 or 2 on each axis.
    crop = np.asarray(layers(images, training=True))
    assert crop.shape == (2, 6, 6, 1)
    top, left = divmod(int(crop[0, 0, 0, 0]), 8)
    assert 0 <= top <= 2 and 0 <= left <= 2
    np.testing.assert_array_equal(crop[0], images[0, top : top + 6, left : left + 6])


def test_the_jittable_crop_crops_each_image_on_its_own_and_compiles():
    import keras

    images = np.arange(16 * 8 * 8, dtype="float32").reshape(16, 8, 8, 1)
    layers = data.augmentation(crop=6, flip=False, seed=3, jittable=True)
    assert [layer.name for layer in layers.layers] == ["random_crop"]
    np.testing.assert_array_equal(np.asarray(layers(images, training=False)),
                                  images[:, 1:7, 1:7])
    crop = np.asarray(layers(images, training=True))
    offsets = set()
    for image, patch in zip(images, crop, strict=True):
        top, left = divmod(int(patch[0, 0, 0] - image[0, 0, 0]), 8)
        assert 0 <= top <= 2 and 0 <= left <= 2
        np.testing.assert_array_equal(patch, image[top : top + 6, left : left + 6])
        offsets.add((top, left))
    assert len(offsets) > 1  # per image, not one offset for the batch
    # XLA compiles a model that holds it (Keras' RandomCrop would turn compilation off)
    inputs = keras.Input((8, 8, 1))
    outputs = keras.layers.Dense(2)(keras.layers.Flatten()(layers(inputs)))
    model = keras.Model(inputs, outputs)
    model.compile("adam", "mse", jit_compile=True)
    model.fit(images, np.zeros((16, 2)), epochs=1, verbose=0)
    assert model.jit_compile is True


def test_augmentation_flips_only_in_training():
    image = np.arange(4, dtype="float32").reshape(1, 1, 4, 1)
    layers = data.augmentation(flip=True, seed=0)
    np.testing.assert_array_equal(np.asarray(layers(image, training=False)), image)
    seen = {tuple(np.asarray(layers(image, training=True)).ravel()) for _ in range(20)}
    assert seen <= {(0.0, 1.0, 2.0, 3.0), (3.0, 2.0, 1.0, 0.0)}
    assert len(seen) == 2  # 20 fair coin flips: both outcomes, but for a chance of 2 ** -19


def test_augmentation_layer_names_and_bad_arguments():
    layers = data.augmentation(crop=(5, 7))
    assert [layer.name for layer in layers.layers] == ["random_crop", "center_crop", "random_flip"]
    assert layers.compute_output_shape((None, 9, 9, 3)) == (None, 5, 7, 3)
    bad = [({"crop": 0}, "crop"), ({"crop": (5,)}, "crop"), ({"flip": "yes"}, "flip"),
           ({"seed": 1.5}, "seed"), ({"flip": False}, "augment")]
    for kwargs, argument in bad:
        with pytest.raises(ValueError, match=argument):
            data.augmentation(**kwargs)


def test_augmented_puts_the_augmentation_in_front_of_the_model():
    import keras

    inner = keras.Sequential(
        [keras.Input((6, 6, 1)), keras.layers.Flatten(), keras.layers.Dense(2)], name="net"
    )
    model = data.augmented(inner, (8, 8, 1), crop=6, flip=False)
    assert model.name == "augmented_net" and model.get_layer("net") is inner
    assert model.input_shape == (None, 8, 8, 1) and model.count_params() == 6 * 6 * 2 + 2
    images = np.random.default_rng(0).normal(size=(3, 8, 8, 1)).astype("float32")
    # In inference the model sees the central 6x6 crop.
    np.testing.assert_allclose(
        np.asarray(model(images, training=False)), np.asarray(inner(images[:, 1:7, 1:7])),
        rtol=1e-6,
    )


def test_augmented_bad_arguments():
    import keras

    inner = keras.Sequential([keras.Input((6, 6, 1)), keras.layers.Flatten()], name="net")
    with pytest.raises(ValueError, match="model"):
        data.augmented("net", (8, 8, 1), crop=6)
    with pytest.raises(ValueError, match="input_shape"):
        data.augmented(inner, (8, 8), crop=6)
    with pytest.raises(ValueError, match="crop"):  # 7x7 crops do not fit a 6x6 network
        data.augmented(inner, (8, 8, 1), crop=7)
