"""Downloads through keras.datasets: a quick reachability check first, the Keras cache left
as it was when a download fails, and a :class:`DatasetUnavailable` that names the offline
choices."""

from __future__ import annotations

import importlib
import os
import shutil
import socket
import tempfile
import threading
import urllib.parse
import urllib.request

from classic.data.images import _to_nhwc
from classic.data.sets import ENV_VAR, DatasetUnavailable

# Hosts keras.datasets (Keras 3) downloads each set from; checked before a download starts.
_HOSTS = {
    "mnist": "storage.googleapis.com",
    "fashion_mnist": "storage.googleapis.com",
    "cifar10": "www.cs.toronto.edu",
}
_CONNECT_TIMEOUT = 3.0


def _reachable(host, port=443, timeout=_CONNECT_TIMEOUT):
    """Whether a TCP connection to host (or the HTTPS proxy) opens within `timeout` seconds.

    Runs in a thread so that a slow DNS lookup cannot hang past the timeout either.
    """
    result = []

    def connect():
        try:
            target = (host, port)
            proxy = urllib.request.getproxies().get("https")
            if proxy and not urllib.request.proxy_bypass(host):
                parts = urllib.parse.urlsplit(proxy if "//" in proxy else "//" + proxy)
                target = (parts.hostname, parts.port or 80)
            socket.create_connection(target, timeout=timeout).close()
            result.append(True)
        except Exception:  # no route, no name, a malformed proxy: all mean "cannot download"
            result.append(False)

    thread = threading.Thread(target=connect, daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(result and result[0])


def _keras_cache_bases():
    """The folders keras.datasets may write to: $KERAS_HOME or ~/.keras (or /tmp/.keras)."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    homes = [home]
    try:  # the folder Keras fixed when it was imported, which is what get_file uses
        from keras.src.backend.config import keras_home

        homes.append(keras_home())
    except Exception:  # a private helper; the environment gives the usual answer
        pass
    bases = []
    for home in homes:
        home = os.path.expanduser(home)
        if not os.access(home, os.W_OK):  # get_file's own fallback
            home = os.path.join(
                "/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras"
            )
        if home not in bases:
            bases.append(home)
    return bases


def _snapshot(bases):
    seen = set()
    for base in bases:
        if os.path.lexists(base):
            seen.add(base)
        for folder, dirs, files in os.walk(os.path.join(base, "datasets")):
            seen.add(folder)
            seen.update(os.path.join(folder, entry) for entry in dirs + files)
    return seen


def _remove_new(path, before):
    """Remove what is under `path` and not in `before` (what a failed download created)."""
    if not os.path.lexists(path):
        return
    if path not in before:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.remove(path)
    elif os.path.isdir(path) and not os.path.islink(path):
        for entry in os.listdir(path):
            _remove_new(os.path.join(path, entry), before)


def _clean_cache(bases, before):
    for base in bases:
        _remove_new(os.path.join(base, "datasets"), before)
        if base not in before and os.path.isdir(base) and not os.listdir(base):
            os.rmdir(base)


def _unavailable(name, reason, local_note):
    if local_note:
        reason = f"{local_note}, and {reason}"
    return DatasetUnavailable(
        f"Data set '{name}' is not available here: {reason}.\n"
        "Offline choices:\n"
        f"  - point {ENV_VAR} (or data_dir=) at a folder of .npz copies, written on a machine "
        "with network by\n"
        f"        python -m classic.data download DIR {name}\n"
        '  - or use load("digits"), which ships with scikit-learn.',
        name=name,
        reason=reason,
    )


def _download(name, local_note=None):
    """keras.datasets.<name>.load_data(), failing fast and leaving no half-written cache."""
    host = _HOSTS[name]
    if not _reachable(host):
        raise _unavailable(name, f"keras.datasets cannot reach {host}", local_note)
    bases = _keras_cache_bases()
    before = _snapshot(bases)
    loader = importlib.import_module(f"keras.datasets.{name}").load_data
    try:
        (x_train, y_train), (x_test, y_test) = loader()
    except BaseException as err:
        _clean_cache(bases, before)
        if isinstance(err, Exception):
            raise _unavailable(
                name, f"the keras.datasets download failed: {err}", local_note
            ) from err
        raise
    return (_to_nhwc(x_train), y_train), (_to_nhwc(x_test), y_test)
