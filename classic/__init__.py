"""Helpers for the classic-CNN course: shapes, data, training, diagrams and the model zoo."""

__version__ = "0.1.0"
