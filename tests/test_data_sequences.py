"""Tests for vgteach.sequences: the adding problem, its baseline, and the sequence trainer."""
import numpy as np
import pytest

from vgteach import layers, sequences
from vgteach.gradcheck import numerical_gradient, relative_error


def test_adding_problem_shapes_and_values():
    X, y = sequences.adding_problem(500, 11, np.random.default_rng(0))
    assert X.shape == (500, 11, 2) and y.shape == (500, 1)
    values, markers = X[:, :, 0], X[:, :, 1]
    assert np.all((values >= 0) & (values < 1))
    assert set(np.unique(markers)) == {0.0, 1.0}


def test_adding_problem_marks_one_step_in_each_half():
    T = 11
    X, y = sequences.adding_problem(2000, T, np.random.default_rng(1))
    markers = X[:, :, 1]
    np.testing.assert_array_equal(markers.sum(axis=1), 2.0)
    np.testing.assert_array_equal(markers[:, :T // 2].sum(axis=1), 1.0)
    np.testing.assert_array_equal(markers[:, T // 2:].sum(axis=1), 1.0)
    # Every position of each half is used (the first mark can sit at 0, the second at T - 1).
    positions = np.nonzero(markers)[1]
    assert set(positions) == set(range(T))


def test_adding_problem_target_is_the_sum_of_the_marked_values():
    X, y = sequences.adding_problem(300, 8, np.random.default_rng(2))
    expected = np.sum(X[:, :, 0] * X[:, :, 1], axis=1, keepdims=True)
    np.testing.assert_array_equal(y, expected)


def test_adding_problem_shortest_sequence():
    X, y = sequences.adding_problem(5, 2, np.random.default_rng(3))
    np.testing.assert_array_equal(X[:, :, 1], 1.0)
    np.testing.assert_allclose(y[:, 0], X[:, :, 0].sum(axis=1), rtol=0, atol=0)


def test_adding_problem_is_reproducible_and_uses_only_the_given_rng():
    state = np.random.get_state()
    a = sequences.adding_problem(20, 9, np.random.default_rng(7))
    b = sequences.adding_problem(20, 9, np.random.default_rng(7))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert np.array_equal(np.random.get_state()[1], state[1])


@pytest.mark.parametrize("n, T", [(0, 10), (10, 1), (10, 2.5)])
def test_adding_problem_rejects_bad_sizes(n, T):
    with pytest.raises(ValueError, match="parameter of adding_problem must be an int"):
        sequences.adding_problem(n, T, np.random.default_rng(0))


def test_mse_uses_the_package_convention():
    pred = np.array([[0.5], [2.0], [1.0]])
    y = np.array([[0.0], [1.0], [1.0]])
    assert sequences.mse(pred, y) == pytest.approx((0.25 + 1.0) / (2 * 3), rel=1e-15)
    assert sequences.mse(pred, y) == layers.mse_loss(pred, y)[0]


def test_mean_baseline_is_half_the_variance_of_the_target():
    y = np.array([[0.0], [2.0], [1.0], [1.0]])
    assert sequences.mean_baseline_mse(y) == pytest.approx(0.5 * np.var(y), rel=1e-15)
    assert sequences.mean_baseline_mse(y.ravel()) == sequences.mean_baseline_mse(y)


def test_adding_problem_baseline_value():
    # Var(u1 + u2) = 2 / 12 = 1/6 for independent U[0, 1); half of it is the baseline.
    assert sequences.ADDING_BASELINE_MSE == pytest.approx(1 / 12, rel=1e-15)
    _, y = sequences.adding_problem(200_000, 6, np.random.default_rng(4))
    assert float(y.mean()) == pytest.approx(1.0, abs=0.005)
    assert sequences.mean_baseline_mse(y) == pytest.approx(1 / 12, abs=0.001)


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_trainer_gradients_match_finite_differences(kind):
    # The trainer's loss on the last hidden state: check one step's gradients through a
    # plain SGD update, which moves every parameter by exactly -lr * grad.
    rng = np.random.default_rng(0)
    X, y = sequences.adding_problem(6, 5, rng)
    hist = sequences.train_sequence_model(kind, X, y, H=3, steps=1, lr=1e-3,
                                          rng=np.random.default_rng(1), optimizer="sgd")
    start = sequences.train_sequence_model(kind, X, y, H=3, steps=1, lr=0.0,
                                           rng=np.random.default_rng(1), optimizer="sgd").params
    for name in ["Wx", "Wh", "b", "W_out", "b_out"]:
        grad = (start[name] - hist.params[name]) / 1e-3

        def loss(value, name=name):
            params = dict(start, **{name: value})
            return sequences.mse(sequences.predict_sequence_model(kind, params, X), y)

        num = numerical_gradient(loss, start[name], 1e-5)
        assert relative_error(grad, num) < 1e-6, name


def test_trainer_history_and_inputs_untouched():
    rng = np.random.default_rng(0)
    X, y = sequences.adding_problem(40, 6, rng)
    X0, y0 = X.copy(), y.copy()
    hist = sequences.train_sequence_model("lstm", X, y, H=4, steps=5, lr=0.01, rng=rng,
                                          batch_size=16, clip=1.0)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    assert hist.kind == "lstm"
    assert hist.loss.shape == hist.grad_norm.shape == hist.first_step_grad.shape == (5,)
    assert np.all(np.isfinite(hist.loss)) and np.all(hist.first_step_grad > 0)
    assert hist.params["Wh"].shape == (4, 16)
    assert sequences.predict_sequence_model("lstm", hist.params, X).shape == (40, 1)


def test_trainer_rejects_unknown_kind():
    X, y = sequences.adding_problem(4, 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match="The 'kind' parameter of train_sequence_model"):
        sequences.train_sequence_model("gru", X, y, H=2, steps=1, lr=0.1,
                                       rng=np.random.default_rng(0))


def test_lstm_learns_a_short_adding_problem():
    # A small, fast version of the lesson's demonstration (T = 10, 200 steps). At this length
    # the RNN learns part of it too, so only the LSTM's success is asserted here.
    rng = np.random.default_rng(0)
    X, y = sequences.adding_problem(1000, 10, rng)
    X_test, y_test = sequences.adding_problem(500, 10, rng)
    hist = sequences.train_sequence_model("lstm", X, y, H=8, steps=200, lr=0.02,
                                          rng=np.random.default_rng(1), batch_size=32)
    test_loss = sequences.mse(sequences.predict_sequence_model("lstm", hist.params, X_test),
                              y_test)
    assert test_loss < 0.2 * sequences.mean_baseline_mse(y_test)
