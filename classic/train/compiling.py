"""How fit compiles a model: a loss per output (from logits where it has no activation),
accuracy, and Adam (or the optimizer named) with a cosine decay over the whole run."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import keras

if TYPE_CHECKING:
    from classic.train.checks import _CheckedArguments

_COMPILED_HERE = "_classic_train_compiled"


def _fit_compiles(model) -> bool:
    """Whether fit compiles ``model``: one the user has not compiled, and again one fit compiled
    itself, since the last cosine decay ended at a learning rate of 0 and would train no further.
    """
    return not model.compiled or getattr(model, _COMPILED_HERE, False)


def _outputs_logits(model) -> bool:
    """True when the last layer has no activation, so the default loss must take logits."""
    layers = getattr(model, "layers", None)
    return bool(layers) and _is_linear(layers[-1])


def _is_linear(layer) -> bool:
    """True when ``layer`` has no activation: its outputs are logits."""
    return getattr(layer, "activation", None) is keras.activations.linear


def _output_names(model) -> list[str]:
    """The names of the model's outputs, in order (Keras names them after their layers)."""
    outputs = getattr(model, "outputs", None) or []
    if len(outputs) > 1:
        return list(model.output_names)
    names = list(getattr(model, "output_names", None) or [])
    return names[:1] or ["output"]



def _compile(model, strat, outputs: list[str], checked: _CheckedArguments, *, images: int):
    """Compiles ``model`` in the scope of ``strat`` with the optimizer, loss, metrics and loss
    weights ``fit`` was given, or its defaults, for ``images`` training images an epoch."""
    replicas = getattr(strat, "num_replicas_in_sync", 1)
    jit = checked.profile.jit_compile
    if keras.backend.backend() == "torch" or replicas > 1:
        jit = "auto"  # Keras' own choice: no torch.compile, no XLA with tf.distribute
    total_steps = checked.epochs * math.ceil(images / checked.batch_size)
    several = len(outputs) > 1
    loss, metrics, optimizer = checked.loss, checked.metrics, checked.optimizer
    if loss is None and several:
        loss = [
            keras.losses.SparseCategoricalCrossentropy(
                from_logits=_is_linear(model.get_layer(name))
            )
            for name in outputs
        ]
    elif loss is None:
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=_outputs_logits(model))
    if metrics is None:
        metrics = [["accuracy"] for _ in outputs] if several else ["accuracy"]
    loss_weights = checked.loss_weights
    weights = loss_weights and (list(loss_weights) if several else loss_weights[0])
    with strat.scope():  # the optimizer's variables too must belong to the strategy
        schedule = keras.optimizers.schedules.CosineDecay(checked.learning_rate, total_steps)
        if optimizer is None:
            optimizer = keras.optimizers.Adam(schedule)
        elif isinstance(optimizer, str):
            optimizer = keras.optimizers.get(
                {"class_name": optimizer, "config": {"learning_rate": schedule}}
            )
        model.compile(
            optimizer=optimizer,
            loss=loss,
            loss_weights=weights,
            metrics=metrics,
            jit_compile=jit,
        )
    setattr(model, _COMPILED_HERE, True)
