"""The command ``python -m classic.data download DIR``: downloads the sets through
keras.datasets and writes them as local copies, each with a note that says how to cite it."""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

from classic.data import downloads  # called through its module, so tests can patch it there
from classic.data.copies import write_copy
from classic.data.sets import DOWNLOADABLE, ENV_VAR, DatasetUnavailable

_CITATIONS = {
    "mnist": (
        "MNIST (LeCun, Cortes and Burges)",
        "Distributed under CC BY-SA 3.0; cite LeCun, Bottou, Bengio and Haffner, "
        "'Gradient-based learning applied to document recognition', Proc. IEEE, 1998.",
    ),
    "fashion_mnist": (
        "Fashion-MNIST (Xiao, Rasul and Vollgraf, Zalando Research)",
        "Distributed under the MIT licence; cite Xiao, Rasul and Vollgraf, 'Fashion-MNIST: a "
        "Novel Image Dataset for Benchmarking Machine Learning Algorithms', arXiv:1708.07747, "
        "2017.",
    ),
    "cifar10": (
        "CIFAR-10 (Krizhevsky, 2009)",
        "Distributed by its authors for research and teaching; cite Krizhevsky, 'Learning "
        "Multiple Layers of Features from Tiny Images', technical report, University of "
        "Toronto, 2009.",
    ),
}


def _download_note(name, x_train, x_test):
    title, citation = _CITATIONS[name]
    h, w, c = x_train.shape[1:]
    kind = "grey" if c == 1 else "colour"
    day = datetime.date.today().isoformat()
    return (
        f"{title}, the official release as served by keras.datasets.{name} on {day}: "
        f"{len(x_train):,} training and {len(x_test):,} test images, {h}x{w} {kind}, uint8. "
        f"{citation}"
    )


_EPILOG = f"""\
Offline classrooms: on a machine with network, run

    python -m classic.data download DIR

copy DIR to the offline machines (a USB stick, a shared drive), and there set

    export {ENV_VAR}=DIR

classic.data.load("mnist") then reads DIR/mnist.npz instead of downloading. Each file is a
NumPy .npz with uint8 x_train, y_train, x_test, y_test and a `note` saying what it holds,
where it came from and how to cite it. load("digits") needs no copy: it ships with
scikit-learn.
"""


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m classic.data",
        description="Write local copies of the course's data sets for offline use.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    download = commands.add_parser(
        "download",
        help="download data sets with keras.datasets and write DIR/<name>.npz",
        description="Download data sets with keras.datasets and write DIR/<name>.npz.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    download.add_argument("dir", metavar="DIR", help="folder to write the .npz copies into")
    download.add_argument(
        "names",
        metavar="NAME",
        nargs="*",
        help=f"data sets to write, of {', '.join(DOWNLOADABLE)} (default: all three)",
    )
    return parser, download


def main(argv=None):
    """Entry point of `python -m classic.data`; returns the exit status."""
    parser, download = _parser()
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in DOWNLOADABLE]
    if unknown:  # argparse's `choices` misbehaves with nargs="*" before Python 3.12
        download.error(
            f"unknown data set {', '.join(unknown)}; known: {', '.join(DOWNLOADABLE)} "
            "(digits ships with scikit-learn and needs no copy)"
        )
    failed = []
    for name in dict.fromkeys(args.names or DOWNLOADABLE):  # keep the order, drop repeats
        try:
            (x_train, y_train), (x_test, y_test) = downloads._download(name)
        except DatasetUnavailable as err:
            print(f"{name}: download failed: {err.reason}", file=sys.stderr)
            failed.append(name)
            continue
        note = _download_note(name, x_train, x_test)
        path = write_copy(args.dir, name, x_train, y_train, x_test, y_test, note)
        print(f"{name}: wrote {path} ({path.stat().st_size / 1e6:.1f} MB)\nnote: {note}")
    if failed:
        print(
            f"Could not download {', '.join(failed)}: run this on a machine that reaches the "
            f"keras.datasets hosts, then copy its folder here, to {Path(args.dir).expanduser()}.",
            file=sys.stderr,
        )
        return 1
    print(f"Done. Point {ENV_VAR} at {Path(args.dir).expanduser().resolve()} to use the copies.")
    return 0
