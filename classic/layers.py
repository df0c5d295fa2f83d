"""Layers the classic papers use and Keras lacks, written with keras.ops so any backend runs them.

Each is registered for the ``.keras`` format: a saved model loads in any process that has
imported ``classic`` (``import classic.models`` does).
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

PACKAGE = "classic"


@keras.saving.register_keras_serializable(package=PACKAGE)
def scaled_tanh(x):
    """LeCun et al. 1998, Appendix A: ``f(a) = 1.7159 tanh(2a/3)``, so that ``f(+-1) = +-1``."""
    return 1.7159 * ops.tanh(x * (2.0 / 3.0))


@keras.saving.register_keras_serializable(package=PACKAGE)
class Subsampling(keras.layers.Layer):
    """LeNet-5's S2/S4: the sum of each 2x2 window, times a trainable coefficient, plus a
    trainable bias, per feature map, then the activation (2 parameters per map).

    The coefficient starts at 1/4, so the layer starts as average pooling.
    """

    def __init__(self, pool_size=2, strides=None, padding="valid", activation=None, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = pool_size
        self.strides = strides or pool_size
        self.padding = padding
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        channels = input_shape[-1]
        self.coefficient = self.add_weight(
            name="coefficient", shape=(channels,),
            initializer=keras.initializers.Constant(1.0 / (self.pool_size**2)),
        )
        self.bias = self.add_weight(name="bias", shape=(channels,), initializer="zeros")

    def call(self, inputs):
        window_sum = ops.average_pool(
            inputs, self.pool_size, self.strides, padding=self.padding
        ) * float(self.pool_size**2)
        return self.activation(window_sum * self.coefficient + self.bias)

    def compute_output_shape(self, input_shape):
        def out(n):
            if n is None:
                return None
            if self.padding == "same":
                return -(-n // self.strides)
            return (n - self.pool_size) // self.strides + 1

        return (input_shape[0], out(input_shape[1]), out(input_shape[2]), input_shape[3])

    def get_config(self):
        return {
            **super().get_config(),
            "pool_size": self.pool_size,
            "strides": self.strides,
            "padding": self.padding,
            "activation": keras.activations.serialize(self.activation),
        }


@keras.saving.register_keras_serializable(package=PACKAGE)
class SparseConv2D(keras.layers.Layer):
    """A convolution whose output map ``j`` sees only the input maps ``connections[j]``.

    LeNet-5's C3 uses such a table (LeCun et al. 1998, Table I) "to keep the number of connections
    within reasonable bounds" and to break the symmetry between maps. Only the connected kernels
    are weights (``k*k*links + filters`` parameters); they are scattered into a dense kernel, with
    zeros for the missing links, for one ordinary convolution.
    """

    def __init__(self, filters, kernel_size, connections, strides=1, padding="valid",
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        self.filters = filters
        self.kernel_size = kernel_size
        self.connections = [list(map(int, c)) for c in connections]
        self.strides = strides
        self.padding = padding
        self.activation = keras.activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        if len(self.connections) != filters:
            raise ValueError(
                f"`connections` must list the input maps of each of the {filters} filters. "
                f"Received: {len(self.connections)} lists"
            )

    def build(self, input_shape):
        in_channels = input_shape[-1]
        links = [(i, j) for j, inputs in enumerate(self.connections) for i in inputs]
        if any(not 0 <= i < in_channels for i, _ in links):
            raise ValueError(
                f"`connections` may only name input maps 0..{in_channels - 1}. "
                f"Received: {self.connections}"
            )
        # index[i * filters + j] is the weight slot of the link input i -> output j; the last
        # slot (len(links)) is a constant zero for the missing links.
        index = np.full(in_channels * self.filters, len(links), dtype="int32")
        for slot, (i, j) in enumerate(links):
            index[i * self.filters + j] = slot
        self._index = index
        self._in_channels = in_channels
        self.kernel = self.add_weight(
            name="kernel", shape=(self.kernel_size, self.kernel_size, len(links)),
            initializer=self.kernel_initializer,
        )
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer="zeros")

    def dense_kernel(self):
        """The (k, k, in, filters) kernel with zeros where the table has no link."""
        k = self.kernel_size
        padded = ops.concatenate([self.kernel, ops.zeros((k, k, 1), dtype=self.kernel.dtype)], -1)
        dense = ops.take(padded, self._index, axis=-1)
        return ops.reshape(dense, (k, k, self._in_channels, self.filters))

    def call(self, inputs):
        kernel = ops.cast(self.dense_kernel(), inputs.dtype)
        outputs = ops.conv(inputs, kernel, strides=self.strides, padding=self.padding)
        if self.use_bias:
            outputs = outputs + ops.cast(self.bias, outputs.dtype)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        def out(n):
            if n is None:
                return None
            if self.padding == "same":
                return -(-n // self.strides)
            return (n - self.kernel_size) // self.strides + 1

        return (input_shape[0], out(input_shape[1]), out(input_shape[2]), self.filters)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "connections": self.connections,
            "strides": self.strides,
            "padding": self.padding,
            "activation": keras.activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
        }


@keras.saving.register_keras_serializable(package=PACKAGE)
class RBF(keras.layers.Layer):
    """LeNet-5's output layer: one Euclidean radial basis function unit per class.

    Unit ``i`` computes ``y_i = sum_j (x_j - w_ij)^2``, the squared distance between the input and
    a fixed +-1 code of class ``i`` (the paper drew its codes as 7x12 bitmaps of the characters;
    these are random +-1 codes with a fixed seed). The layer returns ``-y``, so the closest code
    gets the largest score and a softmax on top turns the scores into probabilities.
    """

    def __init__(self, units, seed=1998, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.seed = seed

    def build(self, input_shape):
        codes = np.random.default_rng(self.seed).choice([-1.0, 1.0], (self.units, input_shape[-1]))
        self.centres = self.add_weight(
            name="centres", shape=codes.shape, trainable=False,
            initializer=keras.initializers.Constant(codes),
        )

    def call(self, inputs):
        centres = ops.cast(self.centres, inputs.dtype)
        distance = ops.sum(ops.square(ops.expand_dims(inputs, -2) - centres), axis=-1)
        return -distance

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "seed": self.seed}


def _real(value, argument: str, low: float, strict: bool) -> float:
    """A real number above ``low`` (or at least ``low``), else a ValueError naming the argument."""
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not (value > low if strict else value >= low):
        bound = f"> {low}" if strict else f">= {low}"
        raise ValueError(f"`{argument}` must be a number {bound}. Received: {argument}={value!r}")
    return float(value)


@keras.saving.register_keras_serializable(package=PACKAGE)
class LocalResponseNormalization(keras.layers.Layer):
    """Local response normalization across feature maps (Krizhevsky, Sutskever and Hinton,
    "ImageNet Classification with Deep Convolutional Neural Networks", NeurIPS 2012, Section 3.3).

    Map ``i`` at each position is divided by the energy of its ``n = 2r + 1`` neighbouring maps::

        b_i = a_i / (k + alpha * sum_{j = max(0, i - r)}^{min(N - 1, i + r)} a_j^2) ^ beta

    with ``r = depth_radius`` and ``k = bias``. The defaults are the paper's k = 2, n = 5,
    alpha = 1e-4, beta = 0.75, which ZF-Net's "contrast normalization across feature maps" reuses.

    Conventions differ: here, as in the paper and in ``tf.nn.local_response_normalization``,
    ``alpha`` multiplies the plain sum of squares. Caffe's LRN layer and PyTorch's
    ``nn.LocalResponseNorm(size=n)`` divide alpha by n (``k + alpha / n * sum``), so the paper's
    layer is ``alpha=5e-4`` there; to reproduce a Caffe or PyTorch layer here, pass
    ``alpha=alpha_caffe / n``. Their ``k`` (and TensorFlow's ``bias``) defaults to 1, the paper's
    is 2: Caffe's bvlc_alexnet, which writes ``local_size: 5, alpha: 0.0001, beta: 0.75`` and
    keeps k = 1, is ``depth_radius=2, bias=1, alpha=2e-5`` here, a weaker normalization than the
    paper's.

    Written with ``keras.ops`` (square, zero-pad the channel axis, sum the ``2r + 1`` shifted
    slices), so it runs on any backend and inside ``jit``. Channels last; no weights.
    """

    def __init__(self, depth_radius=2, bias=2.0, alpha=1e-4, beta=0.75, **kwargs):
        super().__init__(**kwargs)
        if isinstance(depth_radius, bool) or not isinstance(depth_radius, int) or depth_radius < 0:
            raise ValueError(
                "`depth_radius` must be a non-negative integer (n = 2 * depth_radius + 1 maps). "
                f"Received: depth_radius={depth_radius!r}"
            )
        self.depth_radius = depth_radius
        self.bias = _real(bias, "bias", 0.0, strict=True)
        self.alpha = _real(alpha, "alpha", 0.0, strict=False)
        self.beta = _real(beta, "beta", 0.0, strict=False)

    def call(self, inputs):
        r = self.depth_radius
        channels = inputs.shape[-1]
        squares = ops.square(inputs)
        # Zero maps on both sides of the channel axis, so maps near the ends sum fewer neighbours.
        pad = [[0, 0]] * (len(inputs.shape) - 1) + [[r, r]]
        padded = ops.pad(squares, pad)
        energy = padded[..., 0:channels]
        for shift in range(1, 2 * r + 1):
            energy = energy + padded[..., shift : shift + channels]
        return inputs / ops.power(self.bias + self.alpha * energy, self.beta)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "depth_radius": self.depth_radius,
            "bias": self.bias,
            "alpha": self.alpha,
            "beta": self.beta,
        }


@keras.saving.register_keras_serializable(package=PACKAGE)
class RandomCropXLA(keras.layers.Layer):
    """A random ``height`` x ``width`` crop of each image in training, the central one in
    inference, written so that XLA compiles it.

    Keras' ``RandomCrop`` and ``CenterCrop`` do the same, but ``RandomCrop`` cannot be compiled
    (``supports_jit=False``), and a model that holds it trains without XLA: on a GPU, AlexNet
    behind it ran at under 400 images/s. Here the crop is a gather with per-image offsets of
    fixed size, which XLA compiles. The gpu profile uses it; the cpu references were made with
    Keras' layers (the same crops in law, another random stream).
    """

    def __init__(self, height, width, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.height, self.width, self.seed = int(height), int(width), seed
        self.generator = keras.random.SeedGenerator(seed)

    def call(self, images, training=False):
        shape = ops.shape(images)
        batch, rows, cols = shape[0], images.shape[1], images.shape[2]
        if rows < self.height or cols < self.width:
            raise ValueError(
                f"RandomCropXLA: the images ({rows}x{cols}) are smaller than the crop "
                f"({self.height}x{self.width})"
            )
        if not training:
            top, left = (rows - self.height) // 2, (cols - self.width) // 2
            return images[:, top:top + self.height, left:left + self.width, :]
        top = keras.random.randint((batch,), 0, rows - self.height + 1, seed=self.generator)
        left = keras.random.randint((batch,), 0, cols - self.width + 1, seed=self.generator)
        row_index = top[:, None] + ops.arange(self.height, dtype="int32")[None, :]
        col_index = left[:, None] + ops.arange(self.width, dtype="int32")[None, :]
        # (batch, height) rows, then (batch, width) columns of each image
        picked = ops.take_along_axis(images, row_index[:, :, None, None], axis=1)
        return ops.take_along_axis(picked, col_index[:, None, :, None], axis=2)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.height, self.width, input_shape[3])

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width,
                "seed": self.seed}
