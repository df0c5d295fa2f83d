"""Max unpooling with switches: the deconvnet's way back through a max-pooling layer."""

from __future__ import annotations

import numpy as np
from keras import ops

from classic import shapes


def _same_pads(size, kernel, stride):
    """(before, after) zeros of Keras' "same" padding: out = ceil(n / s), the extra one after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def max_unpool(inputs, values, pool_size=2, strides=None, padding="valid"):
    """Unpooling with switches: ``values`` (the pooled map's size) back at the argmax positions.

    ``inputs`` is what the max pooling saw, (B, H, W, C); its argmax in each window is the switch
    (on ties, the first position in row-major order). Returns a (B, H, W, C) tensor with each of
    ``values`` at its window's switch and zeros elsewhere; where overlapping windows (3x3/2) share
    a switch, their values add up, as in the gradient of max pooling. ``pool_size``, ``strides``
    (default: the pool size) and ``padding`` are the MaxPooling2D layer's.
    """
    ph, pw = shapes._pair(pool_size, "pool_size")
    sh, sw = (ph, pw) if strides is None else shapes._pair(strides, "strides")
    x = ops.cast(ops.convert_to_tensor(inputs), "float32")
    values = ops.cast(ops.convert_to_tensor(values), "float32")
    if len(x.shape) != 4 or len(values.shape) != 4:
        raise ValueError(
            "`inputs` and `values` must be (batch, height, width, channels). "
            f"Received: shapes {tuple(x.shape)} and {tuple(values.shape)}"
        )
    _, height, width, _ = x.shape
    _, oh, ow, _ = values.shape
    if padding == "same":
        (top, bottom), (left, right) = _same_pads(height, ph, sh), _same_pads(width, pw, sw)
        x = ops.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]], constant_values=-np.inf)
    elif padding == "valid":
        top = left = 0
    else:
        raise ValueError(f"`padding` must be 'valid' or 'same'. Received: padding={padding!r}")
    padded_h, padded_w = x.shape[1], x.shape[2]
    if (oh - 1) * sh + ph > padded_h or (ow - 1) * sw + pw > padded_w:
        raise ValueError(
            f"`values` of {oh}x{ow} cannot come from {pool_size}/{strides} pooling of a "
            f"{height}x{width} map. Received: shapes {tuple(x.shape)} and {tuple(values.shape)}"
        )
    windows = ops.stack(
        [x[:, di : di + sh * (oh - 1) + 1 : sh, dj : dj + sw * (ow - 1) + 1 : sw, :]
         for di in range(ph) for dj in range(pw)],
        axis=0,
    )  # (position in the window, row-major; B, oh, ow, C)
    # The first maximum in row-major order: maxima score P, P - 1, ..., others 0, and the
    # largest score is unique (argmax alone does not promise which of equal values it returns).
    size = ph * pw
    is_max = ops.cast(ops.equal(windows, ops.max(windows, axis=0, keepdims=True)), "int32")
    rank = ops.convert_to_tensor(np.arange(size, 0, -1, dtype="int32").reshape(size, 1, 1, 1, 1))
    switch = ops.argmax(is_max * rank, axis=0)
    # Where each pooled value goes in the flattened padded map: its window's corner plus the
    # switch's offset inside the window; values landing on the same pixel add up.
    batch, channels = values.shape[0], values.shape[-1]
    b, i, j, c = np.ix_(range(batch), range(oh), range(ow), range(channels))
    corner = ((b * padded_h + i * sh) * padded_w + j * sw) * channels + c
    offset = np.array([(di * padded_w + dj) * channels for di in range(ph) for dj in range(pw)])
    target = ops.convert_to_tensor(corner.astype("int32")) + ops.take(
        ops.convert_to_tensor(offset.astype("int32")), switch
    )
    out = ops.segment_sum(
        ops.reshape(values, (-1,)), ops.reshape(target, (-1,)),
        num_segments=batch * padded_h * padded_w * channels,
    )
    out = ops.reshape(out, (batch, padded_h, padded_w, channels))
    return out[:, top : top + height, left : left + width, :]
