"""Proof that a network written on a notebook's page is the network the course tests: the same
layer names in the same order, the same parameters layer by layer, and the same outputs once
the tested builder's weights are copied in."""

from __future__ import annotations

import numpy as np

from classic.tables import Table


def same_network(ours, tested, *, seed: int = 0, images: int = 2, tolerance: float = 1e-5):
    """Checks that ``ours`` (a ``keras.Model`` written on the page) is ``tested`` (the one a
    ``classic.models`` builder gives) and returns the evidence as a table; raises ``ValueError``
    naming the first difference otherwise.

    The weights of ``tested`` are copied into ``ours``, layer by layer by name, so ``ours``
    leaves with them. Both then see the same ``images`` random inputs (uniform in [0, 1],
    ``seed``) in inference mode; the largest difference between their outputs, relative to the
    largest output, must stay under ``tolerance`` (float32 sums in another order differ by
    about 1e-7).
    """
    import keras

    for name, model in (("ours", ours), ("tested", tested)):
        if not isinstance(model, keras.Model):
            raise ValueError(f"{name}: expected a keras.Model. Received: {type(model).__name__}")
    _same_names(ours, tested)
    _same_parameters(ours, tested)
    for layer in tested.layers:
        ours.get_layer(layer.name).set_weights(layer.get_weights())
    shape = _input_shape(ours, tested)
    x = np.random.default_rng(seed).uniform(size=(images, *shape)).astype("float32")
    ours_out, tested_out = _outputs(ours, x), _outputs(tested, x)
    scale = max(float(np.max(np.abs(t))) for t in tested_out) or 1.0
    worst = max(float(np.max(np.abs(o - t))) for o, t in zip(ours_out, tested_out, strict=True))
    if worst > tolerance * scale:
        raise ValueError(
            f"ours: the outputs differ from {tested.name}'s by up to {worst:.3g} (largest "
            f"output {scale:.3g}) with the same weights: a layer computes something else "
            "(an activation, a padding, a stride, the order of two layers)"
        )
    rows = [
        ["layers", len(ours.layers), len(tested.layers)],
        ["parameters", f"{ours.count_params():,}", f"{tested.count_params():,}"],
        ["largest output difference, same weights", f"{worst:.1e}", "-"],
    ]
    return Table(["", "on this page", f"classic.models ({tested.name})"], rows,
                 title=f"The page's network and the tested {tested.name}, on {images} random "
                 f"images of {'x'.join(map(str, shape))}")


def _same_names(ours, tested) -> None:
    names, expected = [layer.name for layer in ours.layers], [layer.name for layer in tested.layers]
    for position, (mine, theirs) in enumerate(zip(names, expected, strict=False)):
        if mine != theirs:
            raise ValueError(f"ours: layer {position} is named {mine!r} where {tested.name} has "
                             f"{theirs!r}")
    if len(names) != len(expected):
        extra = names[len(expected):] or expected[len(names):]
        whose = "ours" if len(names) > len(expected) else tested.name
        raise ValueError(f"ours: {len(names)} layers against {tested.name}'s {len(expected)}; "
                         f"only {whose} has {', '.join(map(repr, extra[:3]))}")


def _same_parameters(ours, tested) -> None:
    for layer in tested.layers:
        mine = ours.get_layer(layer.name)
        shapes = [tuple(w.shape) for w in mine.weights]
        expected = [tuple(w.shape) for w in layer.weights]
        if shapes != expected:
            raise ValueError(f"ours: layer {layer.name!r} has weights of shapes {shapes} where "
                             f"{tested.name} has {expected}")


def _input_shape(ours, tested) -> tuple[int, ...]:
    shape = tuple(tested.inputs[0].shape[1:])
    if shape != tuple(ours.inputs[0].shape[1:]):
        raise ValueError(f"ours: input {tuple(ours.inputs[0].shape[1:])} where {tested.name} "
                         f"takes {shape}")
    if None in shape:
        raise ValueError(f"tested: {tested.name} has an open input size {shape}; build both "
                         "with a fixed input_shape to compare them")
    return shape


def _outputs(model, x) -> list[np.ndarray]:
    import keras

    out = model(x, training=False)
    out = out if isinstance(out, list | tuple) else [out]
    return [keras.ops.convert_to_numpy(o).astype("float64") for o in out]
