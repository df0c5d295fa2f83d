"""Image processing: raw arrays to float32 or uint8 NHWC (channels, padding, resizing), and
the Keras layers that do it inside a model (:func:`preprocessing`, :func:`augmentation`,
:func:`augmented`)."""

from __future__ import annotations

import numpy as np

from classic.data.checks import FITS, _check_image_size, _check_pad, _is_int

# ITU-R BT.601 luma weights (what PIL's "L" mode uses) for colour -> grey.
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)
_RESIZE_BATCH = 1024  # images per keras.ops resize call, to bound its memory


def _to_nhwc(x):
    """Add the channel axis of grey NHW images; turn NCHW (Keras channels_first) into NHWC."""
    x = np.asarray(x)
    if x.ndim == 3:
        return x[..., None]
    if x.ndim == 4 and x.shape[-1] not in (1, 3) and x.shape[1] in (1, 3):
        return x.transpose(0, 2, 3, 1)
    if x.ndim != 4:
        raise ValueError(
            f"Images must be NHW (grey) or NHWC arrays. Received: an array of shape {x.shape}"
        )
    return x


def _set_channels(x, channels):
    have = x.shape[-1]
    if channels is None or channels == have:
        return x
    if have == 1 and channels == 3:
        return np.repeat(x, 3, axis=-1)
    if have == 3 and channels == 1:
        return (x @ _LUMA)[..., None].astype(np.float32)
    raise ValueError(
        f"Cannot turn {have}-channel images into {channels} channels; `channels` accepts 1 "
        f"or 3 for grey or RGB images. Received: channels={channels!r}"
    )


def _auto_fit(native, size):
    """A thin border is padding (MNIST 28 -> 32, as LeCun 1998); anything more is resizing."""
    thin = all(0 <= t - n <= n // 4 for n, t in zip(native, size, strict=True))
    return "pad" if thin else "resize"


def _pad(x, size):
    n, h, w, c = x.shape
    top, left = (size[0] - h) // 2, (size[1] - w) // 2
    out = np.zeros((n, size[0], size[1], c), dtype=np.float32)
    out[:, top : top + h, left : left + w] = x
    return out


def _resize(x, size):
    """Bilinear resize with keras.ops (any backend), in batches to bound memory."""
    import keras

    out = np.empty((len(x), size[0], size[1], x.shape[-1]), dtype=np.float32)
    for start in range(0, len(x), _RESIZE_BATCH):
        batch = keras.ops.image.resize(
            x[start : start + _RESIZE_BATCH],
            size,
            interpolation="bilinear",
            antialias=True,
            data_format="channels_last",
        )
        out[start : start + _RESIZE_BATCH] = keras.ops.convert_to_numpy(batch)
    return out


def _images(x, scale, size, fit, channels, name, image_size):
    """Raw images -> float32 NHWC in [0, 1], with the asked channels and size."""
    x = _to_nhwc(x).astype(np.float32) / np.float32(scale)
    if channels == 1:  # shrink the channels before resizing, grow them after
        x = _set_channels(x, channels)
    if size is not None and size != x.shape[1:3]:
        if fit == "auto":
            fit = _auto_fit(x.shape[1:3], size)
        if fit == "pad":
            _check_pad(size, x.shape[1:3], name, image_size)
            x = _pad(x, size)
        else:
            x = _resize(x, size)
    return _set_channels(x, channels)


def _raw_images(x, scale, channels):
    """Raw images -> uint8 NHWC at the native size, 0-255, with the asked channels."""
    x = _to_nhwc(x)
    if scale != 255.0:  # scikit-learn's digits run 0-16
        x = np.rint(x.astype(np.float32) * np.float32(255.0 / scale))
    if channels is not None and channels != x.shape[-1]:
        x = np.rint(_set_channels(x.astype(np.float32), channels))
    return x.astype(np.uint8)


def preprocessing(input_shape, image_size=None, fit="auto", *, crop=None, flip=False, seed=None,
                  jittable=False):
    """The layers that turn raw uint8 images (``load(..., raw=True)``) into a network's input.

    Scales 0-255 to [0, 1]; brings ``input_shape``'s images to ``image_size`` as ``load``
    would (fit="auto" pads a thin border, as LeNet-5's 28 -> 32, and resizes otherwise);
    then, when asked, :func:`augmentation`'s random crop of ``crop`` pixels and mirror
    (``jittable``: a crop XLA compiles).
    Inside the model these run on the accelerator and the host keeps uint8 images.
    """
    import keras

    from classic.models._common import input_shape_of

    shape = input_shape_of(input_shape)
    size = _check_image_size(image_size)
    if fit not in FITS:
        raise ValueError(
            f"Argument `fit` must be 'auto', 'pad' or 'resize'. Received: fit={fit!r}"
        )
    layers = [keras.layers.Rescaling(1 / 255, name="scale")]
    native = tuple(shape[:2])
    if size is not None and size != native:
        how = _auto_fit(native, size) if fit == "auto" else fit
        if how == "pad":
            _check_pad(size, native, "the input", image_size)
            top, left = (size[0] - native[0]) // 2, (size[1] - native[1]) // 2
            padding = ((top, size[0] - native[0] - top), (left, size[1] - native[1] - left))
            layers.append(keras.layers.ZeroPadding2D(padding, name="pad"))
        else:
            layers.append(keras.layers.Resizing(*size, antialias=True, name="resize"))
    if crop is not None or flip:
        layers.append(augmentation(crop, flip, seed=seed, jittable=jittable))
    return keras.Sequential([keras.Input(shape, name="image"), *layers], name="preprocessing")


def augmentation(crop=None, flip=True, *, seed=None, jittable=False):
    """The paper-style augmentation as Keras preprocessing layers: a ``keras.Sequential`` to put in
    front of a model, active only in training (``fit``), so that it needs no change to the data.

    ``crop``: an int or (height, width): in training a random crop of that size (AlexNet took
    random 224x224 patches of 256x256 images), in inference the central crop (AlexNet's centre
    patch). Keras' ``RandomCrop`` alone returns the image uncropped in inference, so a
    ``CenterCrop`` of the same size follows it: in training it sees the crop already made and
    leaves it alone. ``flip=True``: a random horizontal mirror in training, nothing in inference.
    ``seed`` fixes the random layers' seeds. At least one of the two must be asked for.
    ``jittable=True`` crops with :class:`classic.layers.RandomCropXLA` instead, which XLA
    compiles (Keras' ``RandomCrop`` turns compilation off for the whole model).
    """
    import keras

    try:
        size = _check_image_size(crop)
    except ValueError:
        raise ValueError(
            "Argument `crop` must be None, a positive int or a (height, width) pair of positive "
            f"ints. Received: crop={crop!r}"
        ) from None
    if not isinstance(flip, bool):
        raise ValueError(f"Argument `flip` must be True or False. Received: flip={flip!r}")
    if seed is not None and not _is_int(seed):
        raise ValueError(f"Argument `seed` must be None or an int. Received: seed={seed!r}")
    if size is None and not flip:
        raise ValueError(
            "Nothing to augment: give `crop` (a crop size), `flip=True`, or both. "
            f"Received: crop={crop!r}, flip={flip!r}"
        )
    layers = []
    if size is not None and jittable:
        from classic.layers import RandomCropXLA

        layers.append(RandomCropXLA(*size, seed=seed, name="random_crop"))
    elif size is not None:
        layers += [
            keras.layers.RandomCrop(*size, seed=seed, name="random_crop"),
            keras.layers.CenterCrop(*size, name="center_crop"),
        ]
    if flip:
        layers.append(keras.layers.RandomFlip("horizontal", seed=seed, name="random_flip"))
    return keras.Sequential(layers, name="augmentation")


def augmented(model, input_shape, crop=None, flip=True, *, seed=None, name=None):
    """``model`` behind :func:`augmentation`'s layers, as one model to train.

    ``input_shape`` is the data's (height, width, channels), larger than ``model``'s input when
    ``crop`` cuts patches out of it; the model is called ``name`` (default
    ``"augmented_" + model.name``), and ``result.get_layer(model.name)`` gives the network back.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(
            f"Argument `model` must be a keras.Model. Received: model={type(model).__name__}"
        )
    from classic.models._common import input_shape_of

    layers = augmentation(crop, flip, seed=seed)
    inputs = keras.Input(input_shape_of(input_shape), name="image")
    crops = layers(inputs)
    if tuple(crops.shape[1:]) != tuple(model.input_shape[1:]):
        raise ValueError(
            f"The augmentation gives {tuple(crops.shape[1:])} images but `model` takes "
            f"{tuple(model.input_shape[1:])}: make `crop` the model's input size. "
            f"Received: crop={crop!r}, input_shape={tuple(input_shape)!r}"
        )
    return keras.Model(inputs, model(crops), name=name or f"augmented_{model.name}")
