"""Measures taken on each trained network of an experiment (``Experiment.measure``), and the
readings of the stored ones: ZF-Net's Figure 6 filters, ResNet's Figure 7 responses, DenseNet's
Figure 5 connection weights, VGG's signal through the layers, LeNet-5's validation halves."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from classic.experiments.build import network_of
from classic.experiments.stats import interval_about
from classic.tables import Table

LOW_BAND, HIGH_BAND = 0.15, 0.35
"""Radial frequency bands of a filter, in cycles per input pixel (0.5 is the finest there is)."""


def signal_by_layer(model, images, layers: Sequence[str]) -> dict[str, float]:
    """Root mean square of each of ``layers``' outputs for ``images`` (and of the images,
    under "input"): how the signal's scale travels through an untrained or trained network."""
    import keras

    missing = [name for name in layers if name not in {layer.name for layer in model.layers}]
    if missing:
        raise ValueError(f"layers: {model.name} has no layer {', '.join(map(repr, missing))}. "
                         f"Received: layers={list(layers)}")
    probe = keras.Model(model.inputs, [model.get_layer(name).output for name in layers])
    outputs = probe.predict(np.asarray(images), verbose=0)
    outputs = outputs if isinstance(outputs, list) else [outputs]
    rms = {"input": float(np.sqrt(np.mean(np.square(np.asarray(images, dtype="float64")))))}
    for name, out in zip(layers, outputs, strict=True):
        rms[name] = float(np.sqrt(np.mean(np.square(np.asarray(out, dtype="float64")))))
    return rms


def first_layer_filters(model, data) -> dict[str, float]:
    """ZF-Net's Figure 6 argument, measured on the first convolution of a trained ``model``.

    ``dead``: share of its maps that stay at zero after the ReLU on every one of 256 test
    images, a class-balanced sample (:func:`classic.data.balanced_sample`).
    ``low``, ``high``: share of filters with at least half their power (summed over input
    channels, the mean of each channel removed) below ``LOW_BAND`` or above ``HIGH_BAND``
    cycles per pixel; ``mid``: the rest. Zeiler and Fergus saw AlexNet's 11x11/4 filters as a
    mix of very high and very low frequencies with few in between, and some dead.
    """
    import keras

    from classic.data import balanced_sample

    network = network_of(model)
    sample = balanced_sample(data.y_test, 256, at_most=True)
    images = model.layers[1](np.asarray(data.x_test)[sample], training=False)
    conv = next(layer for layer in network.layers if isinstance(layer, keras.layers.Conv2D))
    kernel = keras.ops.convert_to_numpy(conv.kernel)  # (k, k, c_in, c_out)
    centred = kernel - kernel.mean(axis=(0, 1), keepdims=True)
    # Zero-padded to 32x32: the same fine frequency grid for a 7x7 and an 11x11 filter.
    power = (np.abs(np.fft.fft2(centred, s=(32, 32), axes=(0, 1))) ** 2).sum(axis=2)
    f = np.fft.fftfreq(32)
    radius = np.sqrt(f[:, None] ** 2 + f[None, :] ** 2)
    total = power.sum(axis=(0, 1)) + 1e-12
    low = power[radius < LOW_BAND].sum(axis=0) / total
    high = power[radius > HIGH_BAND].sum(axis=0) / total
    probe = keras.Model(network.input, conv.output)
    maps = keras.ops.convert_to_numpy(probe(images, training=False))
    dead = (maps.max(axis=(0, 1, 2)) <= 0).mean()
    return {
        "dead": float(dead),
        "low": float((low >= 0.5).mean()),
        "high": float((high >= 0.5).mean()),
        "mid": float(((low < 0.5) & (high < 0.5)).mean()),
    }


first_layer_filters.sample = "256 test images, class-balanced"
"""What the measure reads, part of the experiment's definition: a stored result measured on
another sample is stale."""


def validation_by_position(model, data, first: int = 5_000) -> dict[str, float]:
    """Accuracy on the validation images that come from the first ``first`` positions of the
    source's training part, on those from later positions, and on the test images.

    For the course's MNIST copy the training part is the first 8,000 images of MNIST's
    official test set, which was assembled from two NIST collections, 5,000 images each;
    this shows whether the two halves are equally hard for the network."""
    if data.val_index is None:
        raise ValueError("data: validation_by_position needs classic.data.load's val_index")
    early = np.asarray(data.val_index) < first

    import keras

    def accuracy(x, y):
        if len(y) == 0:
            return float("nan")
        # a direct call, not predict(): predict traces a new function for every model
        outputs = [keras.ops.convert_to_numpy(model(x[i : i + 500], training=False))
                   for i in range(0, len(x), 500)]
        return float((np.concatenate(outputs).argmax(axis=1) == np.asarray(y)).mean())

    return {
        f"validation, positions below {first:,}": accuracy(data.x_val[early], data.y_val[early]),
        f"validation, positions from {first:,}": accuracy(data.x_val[~early], data.y_val[~early]),
        "test": accuracy(data.x_test, data.y_test),
    }


def response_std(model, data, images: int = 500) -> dict[str, float]:
    """The paper's Figure 7 (He et al. 2016): the standard deviation of each 3x3 layer's
    response, its output after batch normalization and before the ReLU or the addition, over a
    class-balanced sample of ``images`` test images (every value of every map), in network
    order. Keys are the
    batch normalization layers' names (``conv2_block1_1_bn``, ...); the first convolution and
    the projection shortcuts (``_0_bn``) are left out, as in the paper's plot."""
    import keras

    from classic.data import balanced_sample

    network = network_of(model)
    names = [layer.name for layer in network.layers
             if isinstance(layer, keras.layers.BatchNormalization)
             and not layer.name.startswith("conv1") and not layer.name.endswith("_0_bn")]
    if not names:
        raise ValueError(f"model: {network.name} has no batch normalization after its 3x3 layers")
    probe = keras.Model(network.inputs, [network.get_layer(n).output for n in names])
    x = np.asarray(data.x_test)[balanced_sample(data.y_test, images, at_most=True)]
    seen = model.layers[1](x) if len(model.layers) > 2 else x  # the preprocessing, as trained
    outputs = probe(seen, training=False)
    outputs = outputs if isinstance(outputs, list | tuple) else [outputs]
    return {name: float(np.std(keras.ops.convert_to_numpy(out)))
            for name, out in zip(names, outputs, strict=True)}


response_std.sample = "500 test images, class-balanced"


def dense_connections(model, data) -> dict[str, float]:
    """The paper's Figure 5 on a trained DenseNet: for every dense block, how strongly each target
    layer reads each earlier source (``classic.models.densenet.connection_weights``: the mean
    absolute weight over the source's input maps), divided by the target's mean over its
    sources, so that 1 means "as much as the average source" and the scale that Glorot's
    initialization gives each layer drops out. Keys ``"{block}: {target} <- {source}"``; empty
    for a network without dense blocks (the ResNet arm). ``data`` is not used."""
    from classic.models.densenet import connection_weights

    network = network_of(model)
    names = {layer.name for layer in network.layers}
    found = {}
    for block in ("conv2", "conv3", "conv4"):
        if f"{block}_block1_concat" not in names:
            continue
        weights, sources, targets = connection_weights(network, block)
        for t, target in enumerate(targets):
            mean = np.nanmean(weights[t])
            for s, source in enumerate(sources):
                if not np.isnan(weights[t, s]):
                    found[f"{block}: {target} <- {source}"] = float(weights[t, s] / mean)
    return found


def _connection_matrices(results, arm: str) -> dict:
    """``dense_connections`` of every seed of ``arm``, per block: ``(values, sources,
    targets)`` with ``values[seed, source, target]`` (NaN where there is no connection)."""
    records = [r for _, r in sorted(results.runs.get(arm, {}).items()) if r.get("measures")]
    if not records:
        raise ValueError(f"arm: {arm!r} has no dense_connections measure stored. Received: "
                         f"arm={arm!r}")
    blocks: dict = {}
    for key in records[0]["measures"]:
        block, link = key.split(": ", 1)
        target, source = link.split(" <- ")
        sources, targets = blocks.setdefault(block, ([], []))
        if source not in sources:
            sources.append(source)
        if target not in targets:
            targets.append(target)
    matrices = {}
    for block, (sources, targets) in blocks.items():
        values = np.full((len(records), len(sources), len(targets)), np.nan)
        for i, record in enumerate(records):
            for t, target in enumerate(targets):
                for s, source in enumerate(sources):
                    key = f"{block}: {target} <- {source}"
                    if key in record["measures"]:
                        values[i, s, t] = record["measures"][key]
        matrices[block] = (values, sources, targets)
    return matrices


def dense_connection_checks(results, arm: str = "DenseNet") -> Table:
    """The paper's reading of its Figure 5, tested on the stored ``dense_connections`` of one
    arm: each value is a relative weight (1 = the target's average source), per seed, and its
    95% t interval over the seeds says whether it differs from an even spread beyond the seed
    noise. Rows: how many of all connections do; the weight the layers of blocks 2 and 3 put
    on their block's input, the transition's output (the paper: the least); the weight the
    classifier puts on the last layer of the last block (the paper: a concentration there)."""
    matrices = _connection_matrices(results, arm)
    rows = []
    beyond = total = 0
    for values, _, _ in matrices.values():
        for t in range(values.shape[2]):
            if np.isfinite(values[0, :, t]).sum() < 2:  # a lone source is 1 by construction
                continue
            for s in range(values.shape[1]):
                cell = values[:, s, t]
                if np.isnan(cell).any():
                    continue
                total += 1
                beyond += interval_about(cell)[1] != "not distinguishable from 1"
    rows.append(["connections whose relative weight differs from 1 beyond the seed noise",
                 f"{beyond} of {total}", ""])
    for block in list(matrices)[1:]:
        values, sources, targets = matrices[block]
        dense = [t for t, name in enumerate(targets) if "_block" in name][1:]  # not the first
        per_seed = np.nanmean(values[:, sources.index("input"), dense], axis=1)
        rows.append([f"{block}: dense layers' weight on the block input (the transition's "
                     "output), mean over layers 2 and up", *interval_about(per_seed)])
    values, sources, targets = matrices[list(matrices)[-1]]
    if targets[-1] == "predictions":
        rows.append([f"classifier's weight on the last layer ({sources[-1]})",
                     *interval_about(values[:, -1, -1])])
        rows.append(["classifier's weight on the block input",
                     *interval_about(values[:, 0, -1])])
    return Table(["the paper's observation, measured", "relative weight: mean ± sd (95% interval)",
                  "against an even spread"], rows,
                 title=f"Figure 5's reading on {arm}, {len(values)} seeds")


def plot_dense_connections(results, arm: str = "DenseNet"):
    """The paper's Figure 5 from the stored ``dense_connections`` of one arm: per dense block,
    the relative weight (mean over seeds) of each source layer s (rows; 0 = the block's input)
    in each target layer l (columns; the last one, marked, is the transition or the classifier
    that reads the whole block)."""
    from classic.viz.figures import new_figure

    matrices = _connection_matrices(results, arm)
    figure = new_figure(4.0 * len(matrices), 3.8)
    means = {block: m[0].mean(axis=0) for block, m in matrices.items()}  # NaN: no connection
    # a diverging scale centred on 1 (the target's average source): the few-percent departures
    # the paper's contrasts predict are then visible, above 1 red, below 1 blue
    span = max(float(np.nanmax(np.abs(mean - 1))) for mean in means.values()) or 1.0
    image = None
    for i, (block, (_, sources, targets)) in enumerate(matrices.items()):
        axes = figure.add_subplot(1, len(matrices), i + 1)
        image = axes.imshow(np.ma.masked_invalid(means[block]), cmap="RdBu_r", vmin=1 - span,
                            vmax=1 + span)
        last = "C" if targets[-1] == "predictions" else "T"
        axes.set_xticks(range(len(targets)),
                        [str(t + 1) for t in range(len(targets) - 1)] + [last])
        axes.set_yticks(range(len(sources)), [str(s) for s in range(len(sources))])
        axes.add_patch(_rectangle(len(targets) - 1.5, -0.5, 1, len(sources)))
        axes.set_title(f"Dense Block {i + 1}", fontsize=9)
        axes.set_xlabel("Target layer (ℓ)")
        axes.set_ylabel("Source layer (s)")
    figure.colorbar(image, ax=figure.axes, shrink=0.8,
                    label="relative weight (1 = the target's average source)")
    seeds = next(iter(matrices.values()))[0].shape[0]
    figure.suptitle(f"{results.experiment.name}, {arm}: mean over {seeds} seeds "
                    "(T: transition, C: classifier)", fontsize=10)
    return figure


def _rectangle(x, y, width, height):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), width, height, fill=False, edgecolor="black", linewidth=1.5)
