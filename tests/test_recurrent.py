"""Tests for vgteach.recurrent: every backward against centred finite differences (float64)."""
import time

import numpy as np
import pytest

from vgteach import recurrent as rec
from vgteach.activations import sigmoid
from vgteach.gradcheck import check_layer, numerical_gradient, relative_error

# Small sizes and moderate weights keep the gradients well away from zero, so the elementwise
# relative error measures the backward pass, not finite-difference round-off (about 1e-11 in
# absolute terms at STEP = 1e-5). An entry that lands near zero by chance would still lose digits,
# so the seeds are fixed, and each check below passes TOL with a margin of 10x or more.
N, T, D, H = 2, 4, 3, 3
TOL = 1e-7
STEP = 1e-5


def _rnn_inputs(seed=3, T=T):
    rng = np.random.default_rng(seed)
    p = rec.init_rnn(D, H, rng, scale=0.9)
    b = 0.1 * rng.normal(size=H)
    return [rng.normal(size=(N, T, D)), 0.5 * rng.normal(size=(N, H)), p["Wx"], p["Wh"], b]


def _lstm_inputs(seed=3, T=T):
    rng = np.random.default_rng(seed)
    p = rec.init_lstm(D, H, rng)
    b = p["b"] + 0.1 * rng.normal(size=4 * H)
    return [rng.normal(size=(N, T, D)), 0.5 * rng.normal(size=(N, H)), p["Wx"], p["Wh"], b]


def _assert_all_small(errors, names):
    bad = {n: f"{e:.1e}" for n, e in zip(names, errors) if not e < TOL}
    assert not bad, f"relative errors above {TOL}: {bad}"


# --- gradient checks of the step functions ---------------------------------------------------

def test_rnn_step_backward_matches_finite_differences():
    x, h0, Wx, Wh, b = _rnn_inputs()
    errors = check_layer(rec.rnn_step_forward, rec.rnn_step_backward,
                         [x[:, 0], h0, Wx, Wh, b], h=STEP)
    _assert_all_small(errors, ["dx", "dh_prev", "dWx", "dWh", "db"])


def test_lstm_step_backward_matches_finite_differences():
    x, h0, Wx, Wh, b = _lstm_inputs()
    c_prev = np.random.default_rng(103).normal(size=(N, H))

    # Stack h and c into one output so that check_layer sees sum(h * dh) + sum(c * dc).
    def forward(x, h_prev, c_prev, Wx, Wh, b):
        h, c, cache = rec.lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b)
        return np.concatenate([h, c]), cache

    def backward(dout, cache):
        return rec.lstm_step_backward(dout[:N], dout[N:], cache)

    errors = check_layer(forward, backward, [x[:, 0], h0, c_prev, Wx, Wh, b], h=STEP)
    _assert_all_small(errors, ["dx", "dh_prev", "dc_prev", "dWx", "dWh", "db"])


# --- gradient checks of the full sequences ---------------------------------------------------

def test_rnn_backward_matches_finite_differences():
    errors = check_layer(rec.rnn_forward, rec.rnn_backward, _rnn_inputs(), h=STEP)
    _assert_all_small(errors, ["dx", "dh0", "dWx", "dWh", "db"])


def test_lstm_backward_matches_finite_differences():
    errors = check_layer(rec.lstm_forward, rec.lstm_backward, _lstm_inputs(), h=STEP)
    _assert_all_small(errors, ["dx", "dh0", "dWx", "dWh", "db"])


def test_lstm_backward_with_a_given_initial_cell_state():
    x, h0, Wx, Wh, b = _lstm_inputs(seed=6)
    c0 = np.random.default_rng(4).normal(size=(N, H))
    errors = check_layer(lambda *a: rec.lstm_forward(*a, c0=c0), rec.lstm_backward,
                         [x, h0, Wx, Wh, b], h=STEP)
    _assert_all_small(errors, ["dx", "dh0", "dWx", "dWh", "db"])


@pytest.mark.parametrize("forward, backward, inputs", [
    (rec.rnn_forward, rec.rnn_backward, _rnn_inputs(seed=5, T=1)),
    (rec.lstm_forward, rec.lstm_backward, _lstm_inputs(seed=5, T=1)),
], ids=["rnn", "lstm"])
def test_single_step_sequence(forward, backward, inputs):
    _assert_all_small(check_layer(forward, backward, inputs, h=STEP),
                      ["dx", "dh0", "dWx", "dWh", "db"])


# --- gradients w.r.t. the states at every step ------------------------------------------------

def _upstream(seed=7):
    return np.random.default_rng(seed).normal(size=(N, T, H))


def test_rnn_state_grads_match_finite_differences():
    x, h0, Wx, Wh, b = _rnn_inputs()
    dh = _upstream()
    h, cache = rec.rnn_forward(x, h0, Wx, Wh, b)
    states = rec.rnn_backward(dh, cache)
    assert states.dc is None
    for t in range(T):
        # The loss as a function of h_t alone: its own term plus the rest of the sequence.
        def loss(h_t, t=t):
            later = rec.rnn_forward(x[:, t + 1:], h_t, Wx, Wh, b)[0] if t < T - 1 else 0.0
            return float(np.sum(dh[:, t] * h_t) + np.sum(dh[:, t + 1:] * later))
        num = numerical_gradient(loss, h[:, t], STEP)
        assert relative_error(states.dh[:, t], num) < TOL, f"dL/dh_{t}"


def test_lstm_state_grads_match_finite_differences():
    x, h0, Wx, Wh, b = _lstm_inputs()
    dh = _upstream()
    h, cache = rec.lstm_forward(x, h0, Wx, Wh, b)
    states = rec.lstm_backward(dh, cache)
    o = rec.lstm_gates(cache)["o"]
    for t in range(T):
        def rest(h_t, c_t, t=t):
            if t == T - 1:
                return 0.0
            return float(np.sum(dh[:, t + 1:] * rec.lstm_forward(x[:, t + 1:], h_t, Wx, Wh, b,
                                                                   c0=c_t)[0]))

        # dL/dh_t holds c_t fixed; dL/dc_t also moves h_t = o_t * tanh(c_t).
        def loss_h(h_t, t=t):
            return float(np.sum(dh[:, t] * h_t)) + rest(h_t, cache.c[:, t], t)

        def loss_c(c_t, t=t):
            h_t = o[:, t] * np.tanh(c_t)
            return float(np.sum(dh[:, t] * h_t)) + rest(h_t, c_t, t)

        num_h = numerical_gradient(loss_h, h[:, t], STEP)
        num_c = numerical_gradient(loss_c, cache.c[:, t], STEP)
        assert relative_error(states.dh[:, t], num_h) < TOL, f"dL/dh_{t}"
        assert relative_error(states.dc[:, t], num_c) < TOL, f"dL/dc_{t}"


def test_state_grads_are_consistent_with_dh0():
    x, h0, Wx, Wh, b = _rnn_inputs()
    dh = _upstream()
    h, cache = rec.rnn_forward(x, h0, Wx, Wh, b)
    states = rec.rnn_backward(dh, cache)
    dh0 = states.dh0
    # dh0 is the gradient one step before the first state: through tanh' and Wh.
    expected = (states.dh[:, 0] * (1 - h[:, 0] ** 2)) @ Wh.T
    np.testing.assert_allclose(dh0, expected, rtol=1e-12, atol=1e-15)


def test_backward_returns_one_contract_for_rnn_and_lstm():
    """Both backward passes return a RecurrentGrads that unpacks into the five input gradients,
    in the forward's argument order; the per-step gradients are always there too."""
    for forward, backward, inputs in [(rec.rnn_forward, rec.rnn_backward, _rnn_inputs()),
                                      (rec.lstm_forward, rec.lstm_backward, _lstm_inputs())]:
        h, cache = forward(*inputs)
        grads = backward(np.ones_like(h), cache)
        assert isinstance(grads, rec.RecurrentGrads)
        dx, dh0, dWx, dWh, db = grads
        assert [g.shape for g in (dx, dh0, dWx, dWh, db)] == [np.shape(a) for a in inputs]
        assert dx is grads.dx and db is grads.db
        assert grads.dh.shape == h.shape
        assert (grads.dc is None) == (backward is rec.rnn_backward)


# --- the sequence functions agree with a loop of step functions --------------------------------

def test_rnn_forward_and_backward_equal_a_loop_of_steps():
    x, h0, Wx, Wh, b = _rnn_inputs()
    dh = _upstream()
    h, cache = rec.rnn_forward(x, h0, Wx, Wh, b)
    caches, h_t = [], h0
    for t in range(T):
        h_t, c = rec.rnn_step_forward(x[:, t], h_t, Wx, Wh, b)
        caches.append(c)
        np.testing.assert_allclose(h[:, t], h_t, rtol=1e-13, atol=1e-15)
    dx, dh0, dWx, dWh, db = rec.rnn_backward(dh, cache)
    dWx_s, dWh_s, db_s, dh_next = 0, 0, 0, np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dx_t, dh_next, a, bb, c = rec.rnn_step_backward(dh[:, t] + dh_next, caches[t])
        dWx_s, dWh_s, db_s = dWx_s + a, dWh_s + bb, db_s + c
        np.testing.assert_allclose(dx[:, t], dx_t, rtol=1e-12, atol=1e-15)
    for got, want in [(dh0, dh_next), (dWx, dWx_s), (dWh, dWh_s), (db, db_s)]:
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_lstm_forward_and_backward_equal_a_loop_of_steps():
    x, h0, Wx, Wh, b = _lstm_inputs()
    dh = _upstream()
    h, cache = rec.lstm_forward(x, h0, Wx, Wh, b)
    caches, h_t, c_t = [], h0, np.zeros((N, H))
    for t in range(T):
        h_t, c_t, c = rec.lstm_step_forward(x[:, t], h_t, c_t, Wx, Wh, b)
        caches.append(c)
        np.testing.assert_allclose(h[:, t], h_t, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(cache.c[:, t], c_t, rtol=1e-13, atol=1e-15)
    dx, dh0, dWx, dWh, db = rec.lstm_backward(dh, cache)
    dWx_s, dWh_s, db_s = 0, 0, 0
    dh_next, dc_next = np.zeros((N, H)), np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dx_t, dh_next, dc_next, a, bb, c = rec.lstm_step_backward(dh[:, t] + dh_next, dc_next,
                                                                  caches[t])
        dWx_s, dWh_s, db_s = dWx_s + a, dWh_s + bb, db_s + c
        np.testing.assert_allclose(dx[:, t], dx_t, rtol=1e-12, atol=1e-15)
    for got, want in [(dh0, dh_next), (dWx, dWx_s), (dWh, dWh_s), (db, db_s)]:
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


# --- the LSTM's gates -------------------------------------------------------------------------

def test_lstm_gate_blocks_are_in_the_order_i_f_o_g():
    # With zero weights each gate is its own bias block through its own nonlinearity.
    b = np.repeat([0.5, -1.0, 2.0, -0.3], H)
    h, cache = rec.lstm_forward(np.ones((N, T, D)), np.zeros((N, H)), np.zeros((D, 4 * H)),
                                np.zeros((H, 4 * H)), b)
    gates = rec.lstm_gates(cache)
    assert list(gates) == ["i", "f", "o", "g"]
    expected = {"i": sigmoid(0.5), "f": sigmoid(-1.0), "o": sigmoid(2.0), "g": np.tanh(-0.3)}
    for name, value in expected.items():
        assert gates[name].shape == (N, T, H)
        np.testing.assert_allclose(gates[name], value, rtol=1e-15)
    assert cache.gates.keys() == gates.keys()


def test_saturated_forget_gate_carries_the_cell_state_over():
    # One unit; the input writes tanh(5) / 2 into the cell at t = 0, then nothing more.
    x = np.zeros((1, 20, 1))
    x[0, 0, 0] = 1.0
    Wx = np.array([[0.0, 0.0, 0.0, 5.0]])          # only the candidate g sees the input
    Wh = np.zeros((1, 4))
    written = sigmoid(0.0) * np.tanh(5.0)
    for forget_bias, expected in [(40.0, np.full(20, written)),           # f = 1: kept
                                  (0.0, written * 0.5 ** np.arange(20))]:  # f = 1/2: halves
        b = np.array([0.0, forget_bias, 0.0, 0.0])
        _, cache = rec.lstm_forward(x, np.zeros((1, 1)), Wx, Wh, b)
        np.testing.assert_allclose(cache.c[0, :, 0], expected, rtol=1e-14)


def test_lstm_gates_returns_copies():
    h, cache = rec.lstm_forward(*_lstm_inputs())
    gates = rec.lstm_gates(cache)
    gates["f"][...] = 0.0
    assert np.all(rec.lstm_gates(cache)["f"] > 0)


def test_cell_gradient_is_carried_by_the_forget_gate():
    # With f = 1 exactly and no other path, dL/dc flows back unchanged: the error carousel.
    x = np.zeros((1, 50, 1))
    b = np.array([0.0, 40.0, 0.0, 0.0])
    h, cache = rec.lstm_forward(x, np.zeros((1, 1)), np.zeros((1, 4)), np.zeros((1, 4)), b)
    dh = np.zeros_like(h)
    dh[:, -1] = 1.0
    states = rec.lstm_backward(dh, cache)
    np.testing.assert_allclose(states.dc[0, :, 0], states.dc[0, -1, 0], rtol=1e-14)
    assert states.dc[0, 0, 0] > 0


# --- long sequences, shapes, purity -----------------------------------------------------------

@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_thousand_step_sequences_run_quickly(kind):
    rng = np.random.default_rng(0)
    p = rec.init_rnn(2, 8, rng) if kind == "rnn" else rec.init_lstm(2, 8, rng)
    forward, backward = ((rec.rnn_forward, rec.rnn_backward) if kind == "rnn"
                         else (rec.lstm_forward, rec.lstm_backward))
    x = rng.normal(size=(4, 1000, 2))
    start = time.process_time()
    h, cache = forward(x, np.zeros((4, 8)), p["Wx"], p["Wh"], p["b"])
    grads = backward(np.ones_like(h), cache)
    elapsed = time.process_time() - start
    assert h.shape == (4, 1000, 8)
    assert all(np.all(np.isfinite(g)) for g in grads)
    assert np.all(np.isfinite(grads.dh))
    assert elapsed < 5.0, f"1,000 steps took {elapsed:.1f} s of CPU time"


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_no_input_array_is_modified(kind):
    inputs = _rnn_inputs() if kind == "rnn" else _lstm_inputs()
    forward, backward = ((rec.rnn_forward, rec.rnn_backward) if kind == "rnn"
                         else (rec.lstm_forward, rec.lstm_backward))
    dh = _upstream()
    before = [a.copy() for a in inputs] + [dh.copy()]
    h, cache = forward(*inputs)
    backward(dh, cache)
    for a, b in zip(inputs + [dh], before):
        np.testing.assert_array_equal(a, b)


def test_step_functions_do_not_modify_inputs():
    x, h0, Wx, Wh, b = _lstm_inputs()
    args = [x[:, 0].copy(), h0, np.ones((N, H)), Wx, Wh, b]
    before = [a.copy() for a in args]
    h, c, cache = rec.lstm_step_forward(*args)
    dh, dc = np.ones_like(h), np.ones_like(c)
    rec.lstm_step_backward(dh, dc, cache)
    for a, b in zip(args + [dh, dc], before + [np.ones_like(h), np.ones_like(c)]):
        np.testing.assert_array_equal(a, b)


def test_shapes_of_outputs_and_caches():
    x, h0, Wx, Wh, b = _lstm_inputs()
    h, cache = rec.lstm_forward(x, h0, Wx, Wh, b)
    assert h.shape == cache.c.shape == cache.tanh_c.shape == (N, T, H)
    assert cache.act.shape == (N, T, 4 * H)
    h, cache = rec.rnn_forward(*_rnn_inputs())
    assert h.shape == cache.h.shape == (N, T, H)


def test_wrong_shapes_raise_in_the_shared_template():
    x, h0, Wx, Wh, b = _rnn_inputs()
    with pytest.raises(ValueError, match=r"The 'Wh' parameter of rnn_forward must have shape"):
        rec.rnn_forward(x, h0, Wx, Wh[:, :2], b)
    x, h0, Wx, Wh, b = _lstm_inputs()
    with pytest.raises(ValueError, match=r"The 'b' parameter of lstm_forward"):
        rec.lstm_forward(x, h0, Wx, Wh, b[:H])
    with pytest.raises(ValueError, match=r"The 'x' parameter of lstm_forward"):
        rec.lstm_forward(x[0], h0, Wx, Wh, b)
    with pytest.raises(ValueError, match=r"The 'c0' parameter of lstm_forward"):
        rec.lstm_forward(x, h0, Wx, Wh, b, c0=np.zeros(H))


# --- initialization and gradient through time --------------------------------------------------

def test_init_rnn_and_init_lstm():
    rng = np.random.default_rng(0)
    p = rec.init_rnn(3, 5, rng, scale=0.7)
    assert {k: v.shape for k, v in p.items()} == {"Wx": (3, 5), "Wh": (5, 5), "b": (5,)}
    np.testing.assert_allclose(np.linalg.svd(p["Wh"], compute_uv=False), 0.7, rtol=1e-12)
    p = rec.init_lstm(3, 5, rng, forget_bias=2.0)
    assert {k: v.shape for k, v in p.items()} == {"Wx": (3, 20), "Wh": (5, 20), "b": (20,)}
    np.testing.assert_array_equal(p["b"], np.r_[np.zeros(5), np.full(5, 2.0), np.zeros(10)])
    with pytest.raises(ValueError, match="The 'H' parameter of init_lstm must be an int"):
        rec.init_lstm(3, 0, rng)
