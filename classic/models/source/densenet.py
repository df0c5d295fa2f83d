"""The source post's DenseNet-121 (Keras 1 code, no builder): its API changes and departures."""

from __future__ import annotations

from dataclasses import dataclass

from classic.models.source.departure import Departure
from classic.tables import Table


@dataclass(frozen=True)
class ApiChange:
    """One Keras 1/2 call of the post's DenseNet code, what Keras 3 does with it, and the fix."""

    call: str
    status_in_keras3: str
    replacement: str


DENSENET_KERAS1 = (
    ApiChange(
        "from keras.utils.data_utils import get_file",
        "module removed: ModuleNotFoundError",
        "keras.utils.get_file",
    ),
    ApiChange(
        "from keras.utils.vis_utils import model_to_dot",
        "module removed: ModuleNotFoundError",
        "keras.utils.model_to_dot",
    ),
    ApiChange(
        "from keras.utils import layer_utils",
        "no longer public: ImportError",
        "nothing (the code never uses it); model.summary() prints the layers",
    ),
    ApiChange(
        "K.image_dim_ordering() == 'tf'",
        "removed: keras.backend has no image_dim_ordering",
        "keras.config.image_data_format() == 'channels_last'",
    ),
    ApiChange(
        "Convolution2D(nb_filter, 7, 7, subsample=(2, 2), name='conv1', bias=False)",
        "Convolution2D is still an alias of Conv2D, but subsample= and bias= raise ValueError "
        "(unrecognized keyword arguments)",
        "Conv2D(nb_filter, 7, strides=2, use_bias=False, name='conv1')",
    ),
    ApiChange(
        "Convolution2D(nb_filter, 3, 3, name=conv_name_base+'_x2', bias=False)",
        "bias= raises ValueError; worse, the third positional argument is now strides, so with "
        "bias= fixed alone this is a 3x3 conv with stride 3",
        "Conv2D(nb_filter, 3, use_bias=False, name=...)",
    ),
    ApiChange(
        "Convolution2D(inter_channel, 1, 1, name=conv_name_base+'_x1', bias=False)",
        "bias= raises ValueError; the positional 1, 1 now means kernel 1 and stride 1 "
        "(harmless by luck)",
        "Conv2D(inter_channel, 1, use_bias=False, name=...)",
    ),
    ApiChange(
        "Convolution2D(int(nb_filter * compression), 1, 1, name=conv_name_base, bias=False)",
        "the same as the bottleneck's 1x1: bias= raises ValueError",
        "Conv2D(int(nb_filter * compression), 1, use_bias=False, name=...)",
    ),
    ApiChange(
        "merge([concat_feat, x], mode='concat', concat_axis=concat_axis, name=...)",
        "removed: keras.layers has no merge",
        "keras.layers.Concatenate(axis=concat_axis, name=...)([concat_feat, x])",
    ),
    ApiChange(
        "Scale(axis=concat_axis, name=...)",
        "never part of Keras: a custom layer from the conversion of Caffe weights, not defined "
        "in the post (NameError)",
        "nothing: BatchNormalization already learns a scale and a shift (center=True, "
        "scale=True); loading Caffe-converted weights would need a per-channel affine layer",
    ),
)


def keras1_changes() -> Table:
    """The post's DenseNet (Keras 1) calls that Keras 3 removed or changed, with replacements."""
    rows = [[c.call, c.status_in_keras3, c.replacement] for c in DENSENET_KERAS1]
    return Table(["the post's call", "in Keras 3", "write instead"], rows,
                 title="The post's DenseNet code against Keras 3")


# The post's DenseNet121() defaults: Table 1's DenseNet-121 blocks, k = 32, 64 initial maps,
# the bottleneck 1x1 conv of 4k maps, and reduction=0.0, i.e. compression = 1.0.
POST_DENSENET121 = {"blocks": (6, 12, 24, 16), "growth_rate": 32, "initial_maps": 64,
                    "bottleneck_maps": 4 * 32, "compression": 1.0 - 0.0}

DENSENET_DEPARTURES = (
    Departure(
        "name", "headed DenseNet-101 (its section) and DenseNet-50 (the title)",
        "the code is DenseNet-121: 1 + 2 x (6 + 12 + 24 + 16) + 3 + 1 = 121 layers with weights",
        "there is no DenseNet-50 or -101 in the paper; its ImageNet networks are 121, 169, 201 "
        "and 264 layers deep",
    ),
    Departure(
        "compression",
        "reduction=0.0 by default, so compression = 1.0: the transitions keep every map "
        "(DenseNet-B), though the post's text describes theta = 0.5",
        "DenseNet-121 is a DenseNet-BC: theta = 0.5 halves the maps at each transition",
        "the maps grow 256 -> 640 -> 1,408 -> 1,920 instead of 256 -> 512 -> 1,024 -> 1,024 "
        "(before each transition and at the classifier), and every later layer reads more "
        "inputs; DenseNet121(reduction=0.5) is the paper's network",
    ),
    Departure(
        "Scale layers",
        "a Scale layer (a learned per-channel scale and shift) after every BatchNormalization",
        "batch normalization, with its own scale and shift",
        "a leftover of converting Caffe weights (Caffe splits BN into BatchNorm and Scale): in "
        "Keras it doubles BN's affine parameters, and the post never defines it",
    ),
    Departure(
        "weight decay", "weight_decay=1e-4 is passed down to every block but used nowhere",
        "weight decay 1e-4",
        "training the post's code applies no weight decay, whatever the argument says; its "
        "nb_filter argument is also ignored (overwritten by 64)",
    ),
)
