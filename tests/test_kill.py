"""A hard kill loses at most one epoch: a training killed with SIGKILL after a finished epoch
resumes at the next epoch when it is started again, and ends with the full count."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = textwrap.dedent(
    """
    import sys, time
    import keras
    import classic.data, classic.train

    backups, marker, kill = sys.argv[1], sys.argv[2], sys.argv[3] == "kill"

    class WaitForTheKill(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):  # runs after the backup of this epoch
            if kill and epoch == 1:
                open(marker, "w").write(str(epoch))
                time.sleep(600)

    def build():
        inputs = keras.Input((8, 8, 1))
        x = keras.layers.Flatten()(inputs)
        return keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x))

    data = classic.data.load("digits", verbose=False)
    result = classic.train.fit(build, data, "cpu", epochs=4, batch_size=256,
                               backup_dir=backups, run_name="killed", verbose=0,
                               callbacks=[WaitForTheKill()])
    print("EPOCHS", result.epochs, len(result.history["loss"]))
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="no SIGKILL on this system")
def test_a_training_killed_after_an_epoch_resumes_at_the_next(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    marker = tmp_path / "epoch-done"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CLASSIC_PROFILE": "cpu", "CI": ""}
    command = [sys.executable, str(script), str(tmp_path / "backups"), str(marker)]

    log = (tmp_path / "first.log").open("w")  # a file: a pipe nobody reads could fill up
    first = subprocess.Popen([*command, "kill"], env=env, stdout=log, stderr=subprocess.STDOUT,
                             text=True)
    deadline = time.monotonic() + 240
    while not marker.exists():
        if first.poll() is not None or time.monotonic() > deadline:
            first.kill()
            pytest.fail("the first run ended before its second epoch: "
                        f"{(tmp_path / 'first.log').read_text()}")
        time.sleep(0.2)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL
    assert (tmp_path / "backups" / "killed").is_dir()  # the backup outlived the kill

    second = subprocess.run([*command, "again"], env=env, capture_output=True, text=True,
                            timeout=240)
    assert second.returncode == 0, second.stdout + second.stderr
    # Epochs 0 and 1 were finished and backed up; the rerun trains 2 and 3 only.
    assert "EPOCHS [2, 3] 2" in second.stdout, second.stdout
    assert "resumed at epoch 3 from a backup" in second.stdout
    assert not (tmp_path / "backups" / "killed").exists()  # removed once complete
