"""What the experiments of several notebooks share: the data of each profile, and the builders."""

MNIST_CPU = dict(data="mnist", image_size=32, channels=1, limit=8_000, epochs=20,
                 learning_rate=2e-3)
DIGITS_CI = dict(data="digits", limit=300, epochs=1, batch_size=64)  # seconds: checks cells run
CIFAR_CPU = dict(data="cifar10", channels=3, limit=10_000)
# The gpu profile: the whole training set keras.datasets gives (a tenth held out for validation,
# so 45,000 CIFAR-10 images, the split the ResNet paper chose its schedule on), networks at full
# width, and epochs chosen so that a notebook's live run takes at most about ten minutes on a T4
# (classic.budget); where a paper's own epoch count fits in that, it is that count.
MNIST_GPU = dict(data="mnist", image_size=32, channels=1, limit=60_000, learning_rate=2e-3)
CIFAR_GPU = dict(data="cifar10", channels=3, limit=50_000)

# Builders (``module:function``) that several notebooks' experiments train.
VGG = "classic.models.vgg:vgg"
GOOGLENET = "classic.models.inception:googlenet"
RESNET = "classic.models.resnet:cifar_resnet"
DENSENET = "classic.models.densenet:cifar_densenet"
