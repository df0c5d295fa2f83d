"""Class-balanced samples: the same number of images of every class, whatever order the data
come in (the course's CIFAR-10 copy is sorted by class, so its first 256 test images are
airplanes and automobiles only)."""

from __future__ import annotations

import numpy as np


def balanced_sample(labels, count: int, *, seed: int = 0, at_most: bool = False) -> np.ndarray:
    """Indices of ``count`` images, as many of each class as ``count`` allows (the remainder, one
    more each, goes to classes drawn with ``seed``), each class's images drawn at random.

    The indices are interleaved by class (one of each class, then the next of each, ...), so
    every prefix of the sample is balanced too: the first ten of a CIFAR-10 sample are ten
    classes. ``labels`` are 1-D class indices; a class with too few images is an error, unless
    ``at_most``: then ``count`` shrinks to what the smallest class allows (the offline digits'
    360 test images hold no 50 of each class).
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels: expected a non-empty 1-D array of class indices. Received: "
                         f"an array of dtype {labels.dtype} and shape {labels.shape}")
    if isinstance(count, bool) or not isinstance(count, int | np.integer) or count < 1:
        raise ValueError(f"count: expected a positive integer. Received: count={count!r}")
    classes, sizes = np.unique(labels, return_counts=True)
    if at_most:
        count = min(count, len(classes) * int(sizes.min()))
    rng = np.random.default_rng(seed)
    per_class = np.full(len(classes), count // len(classes))
    per_class[rng.choice(len(classes), count % len(classes), replace=False)] += 1
    drawn = []
    for cls, wanted in zip(classes, per_class, strict=True):
        members = np.flatnonzero(labels == cls)
        if len(members) < wanted:
            raise ValueError(
                f"count: {count} images need {wanted} of class {cls}, which has "
                f"{len(members)}. Received: count={count}, for {len(labels)} labels of "
                f"{len(classes)} classes"
            )
        drawn.append(rng.choice(members, wanted, replace=False))
    # round-robin over the classes, so that any prefix of the sample is balanced too
    order = []
    for rank in range(int(per_class.max())):
        order.extend(int(d[rank]) for d in drawn if rank < len(d))
    return np.asarray(order, dtype=np.int64)
