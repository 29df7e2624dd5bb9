"""vgteach.measure.through_time: gradient size back through time (RNN, LSTM)."""
import numpy as np
import pytest

from vgteach import recurrent as rec
from vgteach.measure.through_time import compute_lstm_gates, gradient_through_time

N, T, D, H = 2, 4, 3, 3


def test_gradient_through_time_matches_the_backward_pass():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(N, T, D))
    p = rec.init_lstm(D, H, np.random.default_rng(1))
    g = gradient_through_time("lstm", T, H, np.random.default_rng(2), params=p, x=x)
    h, cache = rec.lstm_forward(x, np.zeros((N, H)), p["Wx"], p["Wh"], p["b"])
    # Redraw the same loss direction v the helper drew.
    v = np.random.default_rng(2).normal(size=(N, H))
    dh = np.zeros_like(h)
    dh[:, -1] = v / np.linalg.norm(v)
    states = rec.lstm_backward(dh, cache)
    np.testing.assert_allclose(g.dh_norm, np.linalg.norm(states.dh, axis=(0, 2)), rtol=1e-14)
    np.testing.assert_allclose(g.dc_norm, np.linalg.norm(states.dc, axis=(0, 2)), rtol=1e-14)
    np.testing.assert_array_equal(g.steps_back, np.arange(T)[::-1])


def test_gradient_through_time_shows_vanishing_and_the_carousel():
    rng = np.random.default_rng(0)
    rnn = gradient_through_time("rnn", 60, 16, rng, scale=0.8)
    lstm = gradient_through_time("lstm", 60, 16, rng, forget_bias=5.0)
    assert rnn.dh_norm.shape == lstm.dc_norm.shape == (60,)
    assert rnn.dc_norm is None
    assert rnn.dh_norm[-1] == pytest.approx(1.0, rel=1e-14)
    assert rnn.dh_norm[0] < 0.8 ** 59          # every step back shrinks it by more than 0.8
    assert lstm.dc_norm[0] > 0.1 * lstm.dc_norm[-1]   # f = sigmoid(5) ~ 0.993 keeps it alive


def test_gradient_through_time_rejects_unknown_kind():
    with pytest.raises(ValueError, match="The 'kind' parameter of gradient_through_time"):
        gradient_through_time("gru", 5, 3, np.random.default_rng(0))


def test_compute_lstm_gates_forget_bias_keeps_gradient():
    low = compute_lstm_gates(forget_bias=-2.0, T=60)
    high = compute_lstm_gates(forget_bias=4.0, T=60)
    assert low.lstm_dc.shape == low.rnn_dh.shape == (60,)
    assert np.array_equal(low.steps_back, np.arange(60)[::-1])
    assert high.mean_forget > 0.9 > 0.2 > low.mean_forget
    assert high.lstm_dc[0] > 1e-3 > 1e-15 > low.lstm_dc[0]
    assert np.array_equal(low.rnn_dh, high.rnn_dh)  # same RNN for comparison


def test_compute_lstm_gates_input_bias_sets_gate():
    v = compute_lstm_gates(input_bias=2.0, T=10)
    assert v.input_bias == 2.0 and np.all(np.isfinite(v.lstm_dh))


def test_cell_path_alone_is_a_product_of_forget_gates():
    v = compute_lstm_gates(forget_bias=3.0, T=100)
    assert v.lstm_dc_cell[-1] == v.lstm_dc[-1]           # no later step: all of it is cell path
    assert np.all(np.diff(v.lstm_dc_cell) > 0)            # f < 1: shrinks every step back
    assert v.lstm_dc_cell[0] < 1e-2 * v.lstm_dc[0]        # most of the total came through h
    ib = [compute_lstm_gates(input_bias=b, T=100) for b in (-3.0, 3.0)]
    assert ib[1].lstm_dc[0] > 1e6 * ib[0].lstm_dc[0]      # the input gate moves the total (via h)
