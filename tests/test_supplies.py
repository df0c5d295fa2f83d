"""classic.experiments.supplies: a live run written on the page (compile and fit in the open)
trains what the experiments machinery trains, and says where it departs from the setting."""

import keras
import pytest

import classic.experiments as E
import classic.models

pytestmark = pytest.mark.usefixtures("no_machine_settings")


def page_run(course, network=None, learning_rate=None, epochs=None):
    """What a notebook's page does, line for line."""
    keras.utils.set_random_seed(course.seed)
    network = network or classic.models.lenet5(input_shape=course.input_shape,
                                               classes=course.classes)
    model = course.model(network)
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate or course.learning_rate,
                                                      decay_steps=course.steps)
    model.compile(optimizer=keras.optimizers.Adam(schedule),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(course.x_train, course.y_train, batch_size=course.batch_size,
                        epochs=epochs or course.epochs, validation_data=course.validation_data,
                        callbacks=course.callbacks(model), verbose=0)
    return course.result(model, history)


def test_the_page_trains_what_the_runner_trains(capsys):
    course = E.supplies("lenet5", "ci")
    assert course.seed == max(E.get("lenet5").setting("ci").seeds) + 1
    assert course.input_shape == (32, 32, 1) and course.steps == E.get("lenet5").setting("ci").steps
    live = page_run(course)
    out = capsys.readouterr().out
    assert "note:" not in out and "this run took" in out
    machinery = E.run("lenet5", "ci", seeds=[course.seed], arms=["paper: sparse C3, tanh, "
                                                                   "subsampling"], verbose=False)
    arm = course.arm.name
    ours, theirs = live.runs[arm][str(course.seed)], machinery.runs[arm][str(course.seed)]
    assert ours["test_accuracy"] == pytest.approx(theirs["test_accuracy"], abs=1e-6)
    assert ours["history"]["loss"] == pytest.approx(theirs["history"]["loss"], abs=1e-5)
    assert ours["steps"] == theirs["steps"] and ours["params"] == theirs["params"]
    assert live.network(arm).name == "lenet5"
    assert "seed" in str(E.load("lenet5", "cpu").compare_live(live))


def test_departures_from_the_setting_are_said(capsys):
    course = E.supplies("lenet5", "ci")
    page_run(course, network=classic.models.lenet5(c3_table=False), learning_rate=0.05)
    out = capsys.readouterr().out
    assert "your network has 61,750 parameters, the reference's 60,850" in out
    assert "the reference trained with Adam and a cosine decay from 0.001" in out


def test_the_description_fits_a_notebook_line():
    course = E.supplies("zfnet_vs_alexnet", "ci")
    text = str(course)
    assert all(len(line) <= 120 for line in text.splitlines()), text
    assert "random crop" in text and course.arm.name == "AlexNet, one tower"
    assert E.supplies("zfnet_vs_alexnet", "ci", arm="ZF-Net").options == {"width": 0.25}


def test_an_unknown_arm_is_named():
    with pytest.raises(ValueError, match="^arm: lenet5 has the arms"):
        E.supplies("lenet5", "ci", arm="LeNet-6")
