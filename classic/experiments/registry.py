"""The registry of experiments: every experiment by name, in the notebooks' order."""

from __future__ import annotations

from classic.experiments.design import Experiment

EXPERIMENTS: dict[str, Experiment] = {}


def register(experiment: Experiment) -> None:
    EXPERIMENTS[experiment.name] = experiment


def names() -> tuple[str, ...]:
    return tuple(EXPERIMENTS)


def get(name: str) -> Experiment:
    """The experiment called ``name``; an unknown name lists the known ones."""
    if name not in EXPERIMENTS:
        raise ValueError(
            f"Unknown experiment; known experiments: {', '.join(EXPERIMENTS)}. "
            f"Received: name={name!r}"
        )
    return EXPERIMENTS[name]


def resolve(experiment) -> Experiment:
    """``experiment`` itself, or the experiment of that name."""
    if isinstance(experiment, Experiment):
        return experiment
    return get(experiment)
