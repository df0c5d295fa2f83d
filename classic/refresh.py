"""Re-execute notebooks top to bottom in a fresh kernel and store their outputs.

    python -m classic.refresh notebooks/01_lenet.ipynb [--profile cpu] [--data-dir DIR]

Stored outputs come from the ``cpu`` profile (docs/maintainers.md); nbval re-executes them in
``ci`` and compares every cell not tagged ``nbval-ignore-output``. Consecutive stream outputs are
merged and progress lines overwritten by a carriage return dropped, as on screen. The kernel
runs with ``--IPKernelApp.capture_fd_output=False`` so that TensorFlow's C++ log lines, which
nbval never sees under pytest (ipykernel does not capture file descriptors there), are not
stored either.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

KERNEL_ARGUMENTS = ["--IPKernelApp.capture_fd_output=False"]


def kernel_environment(profile: str, data_dir: str | None) -> dict[str, str]:
    """The environment the notebook kernel starts in: the chosen profile, never CI's."""
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    env["CLASSIC_PROFILE"] = profile
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    if data_dir:
        env["CLASSIC_DATA_DIR"] = str(Path(data_dir).resolve())
    return env


def execute(path: Path, profile: str = "cpu", data_dir: str | None = None,
            timeout: int = 1800) -> float:
    """Run one notebook in a fresh kernel, in its own folder, and write it back. Returns seconds."""
    import nbformat
    from nbclient import NotebookClient
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

    notebook = nbformat.read(path, as_version=4)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(kernel_environment(profile, data_dir))  # the kernel inherits it
    try:
        start = time.perf_counter()
        NotebookClient(
            notebook,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
            extra_arguments=KERNEL_ARGUMENTS,
            record_timing=False,
        ).execute()
        seconds = time.perf_counter() - start
    finally:
        os.environ.clear()
        os.environ.update(saved)
    # Keras' progress bar writes one stream output per update, overwritten with "\r" on screen;
    # merge them as Jupyter shows them (nbval merges them the same way before comparing).
    CoalesceStreamsPreprocessor().preprocess(notebook, {})
    nbformat.write(notebook, path)
    return seconds


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m classic.refresh",
        description="Execute notebooks top to bottom in a fresh kernel and store their outputs.",
    )
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--profile", default="cpu", choices=("ci", "cpu", "gpu"),
                        help="training profile for the run (stored outputs use cpu)")
    parser.add_argument("--data-dir", default=os.environ.get("CLASSIC_DATA_DIR"),
                        help="folder of .npz data set copies (default: $CLASSIC_DATA_DIR)")
    return parser


def main(argv=None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    for path in args.notebooks:
        if not path.is_file():
            parser.error(f"no such notebook: {path}")
    for path in args.notebooks:
        seconds = execute(path, args.profile, args.data_dir)
        print(f"{path}: executed in {seconds:.0f} s (profile {args.profile})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
