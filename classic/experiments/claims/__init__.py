"""The papers' claims as data, one module per notebook. Importing this package registers every
experiment in the notebooks' order, which is the registry's (and so ``budget.gpu_table``'s)."""

import importlib

MODULES = ("lenet", "alexnet", "zfnet", "vgg", "googlenet", "resnet", "densenet", "families")
"""One module per notebook, 01 to 08, imported in this order."""

for _module in MODULES:
    importlib.import_module(f"{__name__}.{_module}")
