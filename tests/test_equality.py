"""classic.models.same_network: the page's network against the tested builder. It must pass for
the same network written anew and fail, naming the difference, for every kind of change."""

import keras
import pytest

import classic.models
from classic.models import same_network


def small(*, act="relu", name="c2", padding="valid", extra=False, filters=8):
    inputs = keras.Input((12, 12, 3), name="input")
    x = keras.layers.Conv2D(4, 3, activation=act, name="c1")(inputs)
    x = keras.layers.Conv2D(filters, 3, padding=padding, activation="relu", name=name)(x)
    if extra:
        x = keras.layers.Dropout(0.5, name="drop")(x)
    x = keras.layers.GlobalAveragePooling2D(name="pool")(x)
    outputs = keras.layers.Dense(5, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name="small")


def test_the_same_network_written_twice_is_the_same():
    table = str(same_network(small(), small()))
    assert "parameters" in table and "0.0e+00" in table


def test_weights_are_copied_into_ours():
    ours, tested = small(), small()
    same_network(ours, tested)
    for a, b in zip(ours.weights, tested.weights, strict=True):
        assert (keras.ops.convert_to_numpy(a) == keras.ops.convert_to_numpy(b)).all()


@pytest.mark.parametrize(
    ("ours", "message"),
    [
        (dict(name="conv2"), "layer 2 is named 'conv2' where small has 'c2'"),
        (dict(extra=True), "layer 3 is named 'drop' where small has 'pool'"),
        (dict(filters=6), "layer 'c2' has weights of shapes"),
        (dict(act="tanh"), "outputs differ"),
        (dict(padding="same"), "outputs differ"),
    ],
)
def test_every_kind_of_difference_is_named(ours, message):
    with pytest.raises(ValueError, match=message):
        same_network(small(**ours), small())


def test_a_missing_layer_is_named():
    inputs = keras.Input((12, 12, 3), name="input")
    short = keras.Model(inputs, keras.layers.Conv2D(4, 3, name="c1")(inputs), name="short")
    with pytest.raises(ValueError, match="only small has 'c2'"):
        same_network(short, small())


def test_not_a_model_is_refused():
    with pytest.raises(ValueError, match="^ours: expected a keras.Model"):
        same_network("lenet5", small())


def test_a_builder_against_itself_with_several_outputs():
    """GoogLeNet with its auxiliary heads: three outputs, each compared."""
    ours = classic.models.googlenet(aux_logits=True, classes=10, input_shape=(96, 96, 3))
    tested = classic.models.googlenet(aux_logits=True, classes=10, input_shape=(96, 96, 3))
    assert "0.0e+00" in str(same_network(ours, tested))
