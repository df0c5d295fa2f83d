"""ZF-Net's ways of looking inside a trained network: the deconvnet, top activations, occlusion.

Zeiler and Fergus, "Visualizing and Understanding Convolutional Networks", ECCV 2014 (arXiv
1311.2901, 2013): Section 2.1 (the deconvnet), Figure 2 (the top 9 activations of a feature map,
each with its projection to pixels and its image patch), Section 4.2 and Figure 7 (occlusion).

- :mod:`classic.deconvnet.projection`: ``Deconvnet``, ``project``, ``for_display``;
- :mod:`classic.deconvnet.unpooling`: ``max_unpool``, the way back through max pooling;
- :mod:`classic.deconvnet.layer_rules`: the rule for each kind of layer on the way down;
- :mod:`classic.deconvnet.strongest_activations`: ``top_activations``, ``distinct_maps``,
  ``top_activations_figure`` (Figure 2);
- :mod:`classic.deconvnet.occlusion_sensitivity`: ``occlusion``, ``occlusion_figure``
  (Figure 7).
"""

from classic.deconvnet.layer_rules import SUPPORTED
from classic.deconvnet.occlusion_sensitivity import Occlusion, occlusion, occlusion_figure
from classic.deconvnet.projection import KEEP, Deconvnet, for_display, project
from classic.deconvnet.strongest_activations import (
    TopActivation,
    distinct_maps,
    top_activations,
    top_activations_figure,
)
from classic.deconvnet.unpooling import max_unpool

__all__ = [
    "KEEP",
    "SUPPORTED",
    "Deconvnet",
    "Occlusion",
    "distinct_maps",
    "TopActivation",
    "for_display",
    "max_unpool",
    "occlusion",
    "occlusion_figure",
    "project",
    "top_activations",
    "top_activations_figure",
]
