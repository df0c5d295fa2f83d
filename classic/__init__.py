"""Helpers for the classic-CNN course: shapes, data, training, diagrams and the model zoo."""

from classic.quiet import quiet_tensorflow

__version__ = "0.1.0"

quiet_tensorflow()  # before anything imports Keras: a student's run shows no C++ log lines
