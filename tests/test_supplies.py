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
    assert "random crop" in text and course.arm.name == "ZF-Net"  # the live arm
    assert E.supplies("zfnet_vs_alexnet", "ci", arm="AlexNet, one tower").options["groups"] == 1


def test_an_unknown_arm_is_named():
    with pytest.raises(ValueError, match="^arm: lenet5 has the arms"):
        E.supplies("lenet5", "ci", arm="LeNet-6")


def test_a_network_with_several_outputs_is_scored_on_its_main_output(capsys):
    """GoogLeNet with its auxiliary classifiers: the page compiles one loss per output with the
    arm's weights and gives the labels once per output; the run is what the runner trains."""
    arm = "auxiliary classifiers (weight 0.3)"
    course = E.supplies("googlenet_aux", "ci", arm=arm)
    keras.utils.set_random_seed(course.seed)
    model = course.model(classic.models.googlenet(course.input_shape, course.classes,
                                                  **course.options))
    schedule = keras.optimizers.schedules.CosineDecay(course.learning_rate,
                                                      decay_steps=course.steps)
    model.compile(optimizer=keras.optimizers.Adam(schedule),
                  loss=["sparse_categorical_crossentropy"] * 3, loss_weights=[1.0, 0.3, 0.3],
                  metrics=[["accuracy"]] * 3)
    x_val, y_val = course.validation_data
    history = model.fit(course.x_train, (course.y_train,) * 3, batch_size=course.batch_size,
                        epochs=course.epochs, validation_data=(x_val, (y_val,) * 3),
                        callbacks=course.callbacks(model), verbose=0)
    live = course.result(model, history)
    out = capsys.readouterr().out
    assert "note:" not in out and "training accuracy" in out, out
    machinery = E.run("googlenet_aux", "ci", seeds=[course.seed], arms=[arm], verbose=False)
    ours, theirs = live.runs[arm][str(course.seed)], machinery.runs[arm][str(course.seed)]
    assert ours["test_accuracy"] == pytest.approx(theirs["test_accuracy"], abs=1e-6)
    assert ours["history"]["accuracy"] == pytest.approx(theirs["history"]["accuracy"], abs=1e-5)


def test_other_loss_weights_are_said(capsys):
    course = E.supplies("lenet5", "ci")
    model = course.model(classic.models.lenet5(course.input_shape, course.classes))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", loss_weights=[0.5])
    assert any("weighted the outputs' losses None, yours [0.5]" in line
               for line in course.departures(model, model.fit(
                   course.x_train, course.y_train, epochs=course.epochs, verbose=0)))
