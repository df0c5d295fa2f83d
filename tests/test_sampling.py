"""Class-balanced samples (classic.data.balanced_sample), on labels sorted by class as the
course's CIFAR-10 copy is, and the measures that read them."""

import numpy as np
import pytest

from classic.data import balanced_sample

SORTED = np.repeat(np.arange(10), 200)  # the CIFAR-10 copy's test part: 200 of each, in order


def test_a_sample_of_sorted_labels_holds_every_class_equally():
    sample = balanced_sample(SORTED, 256)
    counts = np.bincount(SORTED[sample], minlength=10)
    assert counts.sum() == 256 and len(set(sample.tolist())) == 256
    assert counts.min() == 25 and counts.max() == 26  # 256 = 10 x 25 + 6
    assert np.bincount(SORTED[:256], minlength=10).tolist()[:3] == [200, 56, 0]  # the old way


def test_every_prefix_is_balanced_too():
    sample = balanced_sample(SORTED, 100)
    assert sorted(SORTED[sample[:10]].tolist()) == list(range(10))
    assert np.bincount(SORTED[sample[:50]], minlength=10).tolist() == [5] * 10


def test_the_sample_is_seeded_and_random_within_a_class():
    one, again = balanced_sample(SORTED, 50, seed=1), balanced_sample(SORTED, 50, seed=1)
    assert one.tolist() == again.tolist()
    assert one.tolist() != balanced_sample(SORTED, 50, seed=2).tolist()
    first_airplanes = balanced_sample(SORTED, 100)[SORTED[balanced_sample(SORTED, 100)] == 0]
    assert first_airplanes.tolist() != list(range(10))  # not the first images of the class


def test_at_most_shrinks_to_what_the_smallest_class_allows():
    labels = np.concatenate([np.repeat(np.arange(10), 36)[:-1]])  # class 9 has 35
    sample = balanced_sample(labels, 500, at_most=True)
    assert len(sample) == 350 and np.bincount(labels[sample]).tolist() == [35] * 10
    assert len(balanced_sample(labels, 100, at_most=True)) == 100  # no cap when there is room
    with pytest.raises(ValueError, match="^count: 500 images need 50 of class"):
        balanced_sample(labels, 500)


def test_shuffled_labels_give_the_same_balance():
    shuffled = np.random.default_rng(0).permutation(SORTED)
    counts = np.bincount(shuffled[balanced_sample(shuffled, 30)], minlength=10)
    assert counts.tolist() == [3] * 10


@pytest.mark.parametrize(
    ("labels", "count", "named"),
    [(SORTED, 0, "count"), (SORTED, 2_001, "count"), (SORTED.astype(float), 10, "labels"),
     (SORTED.reshape(20, 100), 10, "labels"), (SORTED, True, "count")],
)
def test_bad_arguments_are_named(labels, count, named):
    with pytest.raises(ValueError, match=f"^{named}:"):
        balanced_sample(labels, count)


def test_the_measures_read_a_balanced_sample():
    """first_layer_filters and response_std go into the definition with the sample they read,
    so that a result measured on the old first-N images is stale."""
    import classic.experiments as E

    assert E.get("zfnet_vs_alexnet").definition("cpu")["measure_sample"] == (
        "256 test images, class-balanced")
    assert E.get("resnet_degradation").definition("cpu")["measure_sample"] == (
        "500 test images, class-balanced")
    assert "measure_sample" not in E.get("lenet5").definition("cpu")
