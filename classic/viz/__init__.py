"""Pictures of networks: diagrams, summaries, learning curves, filters, feature maps, image grids.

- :mod:`classic.viz.diagrams`: ``diagram`` (Graphviz), ``graphviz_available``;
- :mod:`classic.viz.summaries`: ``summary`` (``model.summary()`` with nothing cut short);
- :mod:`classic.viz.plots`: ``image_grid``, ``learning_curves``, ``filters``, ``feature_maps``;
- :mod:`classic.viz.charts`: ``bubble_chart`` (comparing networks);
- :mod:`classic.viz.figures`: the pyplot-free figures they all draw on.

Importing this package registers nothing with IPython: each figure registers the PNG formatter
when it is made.
"""

from classic.viz.charts import bubble_chart
from classic.viz.diagrams import (
    DEEP_NETWORK_LAYERS,
    GRAPHVIZ_MAX_PIXELS,
    INSTALL_HINT,
    PNG_SIGNATURE,
    PYDOT_HINT,
    diagram,
    graphviz_available,
)
from classic.viz.plots import feature_maps, filters, image_grid, learning_curves
from classic.viz.summaries import summary

__all__ = [
    "DEEP_NETWORK_LAYERS",
    "GRAPHVIZ_MAX_PIXELS",
    "INSTALL_HINT",
    "PNG_SIGNATURE",
    "PYDOT_HINT",
    "bubble_chart",
    "diagram",
    "feature_maps",
    "filters",
    "graphviz_available",
    "image_grid",
    "learning_curves",
    "summary",
]
