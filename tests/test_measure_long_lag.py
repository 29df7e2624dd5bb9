"""vgteach.measure.long_lag: many adding-problem runs at once, the stored runs, and the views
inside a trained LSTM."""
import numpy as np
import pytest

from vgteach import data, recurrent
from vgteach.measure import long_lag
from vgteach.train import train_sequence_model

LESSON_SEEDS = (0, 1, 2)                         # the seeds the lesson tests run
RUN_SEEDS = sorted({s + k for s in LESSON_SEEDS for k in range(3)})   # what those lessons read


@pytest.mark.parametrize("kind", ["lstm", "rnn"])
def test_every_run_is_train_sequence_model(kind):
    runs = long_lag.train_adding(kind, T=12, lrs=[0.01, 0.05], seeds=[3, 4], steps=12,
                                 eval_every=4, n_train=100, n_test=60, batch_size=20)
    assert runs.test_loss.shape == (2, 2, 4) and runs.eval_steps.tolist() == [0, 4, 8, 12]
    for lr in (0.01, 0.05):
        for seed in (3, 4):
            data_rng, model_rng = long_lag._streams(seed)
            X, y = data.adding_problem(100, 12, data_rng)
            X_test, y_test = data.adding_problem(60, 12, data_rng)
            ref = train_sequence_model(kind, X, y, H=16, steps=12, lr=lr, rng=model_rng,
                                       clip=1.0, batch_size=20)
            mine = runs.model(lr, seed)
            for name, value in ref.params.items():
                np.testing.assert_allclose(mine[name], value, rtol=0, atol=1e-12)
            pred = long_lag._MODELS[kind].predict(
                [mine[k][None] for k in long_lag._PARAMS], X_test[None])
            np.testing.assert_allclose(runs.test_loss[runs.at_lr(lr), [3, 4].index(seed), -1],
                                       0.5 * np.mean((pred[0] - y_test) ** 2), rtol=1e-12)
    assert np.all(runs.baseline > 0)


def test_the_lstm_learns_a_short_lag_and_the_ratio_is_relative_to_the_baseline():
    runs = long_lag.train_adding("lstm", T=6, lrs=[0.05], seeds=[0], steps=150)
    assert runs.ratio.shape == (1, 1, 7)
    np.testing.assert_allclose(runs.ratio, runs.test_loss / runs.baseline[0])
    assert runs.final_ratio()[0, 0] < 0.3 < 0.8 < runs.ratio[0, 0, 1]   # plateau, then learned
    assert runs.escape_steps(0.05)[0] in runs.eval_steps[1:]


def test_escape_steps_is_inf_when_never_below():
    runs = long_lag.train_adding("rnn", T=5, lrs=[1e-6], seeds=[0], steps=2, eval_every=1)
    assert np.isinf(runs.escape_steps(1e-6)).all()
    with pytest.raises(ValueError, match="No run at learning rate"):
        runs.at_lr(0.5)


def test_train_adding_rejects_bad_settings():
    with pytest.raises(ValueError, match="The 'kind' parameter of train_adding"):
        long_lag.train_adding("gru", T=5, lrs=[0.1], seeds=[0], steps=1)
    with pytest.raises(ValueError, match="at least one positive learning rate"):
        long_lag.train_adding("rnn", T=5, lrs=[], seeds=[0], steps=1)


@pytest.mark.parametrize("name", sorted(long_lag.GROUPS))
def test_the_stored_runs_cover_the_lesson_and_match_a_retraining_of_their_start(name):
    """Every seed the lesson tests read, at one learning rate, and every learning rate at seed
    0: the first 25 steps retrained now give the stored test losses."""
    assert long_lag.STORED.exists()
    group = long_lag.GROUPS[name]
    stored = long_lag.adding_experiment(0, n_seeds=len(long_lag.STORED_SEEDS),
                                        notify=_no_training)[name]
    assert stored.seeds.tolist() == list(long_lag.STORED_SEEDS)
    assert stored.settings == group.settings()
    assert stored.scale == group.scale and stored.forget_bias == group.forget_bias
    short = dict(group.settings(), steps=25)
    lr = 0.02 if 0.02 in group.lrs else group.lrs[0]
    for lrs_now, seeds_now in (([lr], RUN_SEEDS), (group.lrs, [0])):
        again = long_lag.train_adding(group.kind, lrs=lrs_now, seeds=seeds_now,
                                      forget_bias=group.forget_bias, scale=group.scale, **short)
        kept = stored.select(seeds_now)
        rows = [kept.at_lr(lr) for lr in lrs_now]
        np.testing.assert_allclose(again.test_loss, kept.test_loss[rows, :, :2], rtol=1e-9)
        np.testing.assert_allclose(again.baseline, kept.baseline, rtol=1e-12)


def _no_training(message):
    raise AssertionError(f"the stored seeds should not be retrained: {message}")


def test_the_stored_parameters_give_the_stored_final_losses():
    """``evaluate`` on the test split, by hand: the stored parameters of every group and seed
    give the stored final test losses."""
    runs = long_lag.adding_experiment(0, n_seeds=len(long_lag.STORED_SEEDS),
                                      notify=_no_training)
    for name, group in long_lag.GROUPS.items():
        r = runs[name]
        steps = group.settings()
        for j, seed in enumerate(r.seeds):
            data_rng, _ = long_lag._streams(seed)
            data.adding_problem(steps["n_train"], 100, data_rng)
            X_test, y_test = data.adding_problem(steps["n_test"], 100, data_rng)
            params = [r.params[k][:, j] for k in long_lag._PARAMS]
            pred = long_lag._MODELS[group.kind].predict(params,
                                                        np.stack([X_test] * len(group.lrs)))
            loss = 0.5 * np.mean((pred - y_test) ** 2, axis=(1, 2))
            np.testing.assert_allclose(loss, r.test_loss[:, j, -1], rtol=1e-9)
        ev = long_lag.evaluate(r)
        np.testing.assert_allclose(ev.loss, r.test_loss[:, :, -1], rtol=1e-9)
        np.testing.assert_allclose(ev.baseline, r.baseline, rtol=1e-12)


def test_evaluate_catches_parameters_that_training_did_not_produce():
    runs = long_lag.adding_experiment(0, notify=_no_training)["lstm_forget0"]
    runs.params["W_out"] = runs.params["W_out"] * 1.01
    assert not np.allclose(long_lag.evaluate(runs).loss, runs.test_loss[:, :, -1], rtol=1e-6)


def test_evaluate_on_the_training_split_is_the_fit_to_the_training_sequences():
    runs = long_lag.train_adding("rnn", T=6, lrs=[0.05], seeds=[2], steps=40, n_train=30,
                                 n_test=20, batch_size=10)
    ev = long_lag.evaluate(runs, split="train")
    (X, y), _ = long_lag._data(2, 6, 30, 20)
    pred = long_lag._MODELS["rnn"].predict([runs.params[k][:, 0] for k in long_lag._PARAMS],
                                           X[None])
    assert ev.split == "train"
    np.testing.assert_allclose(ev.loss[0, 0], 0.5 * np.mean((pred[0] - y) ** 2), rtol=1e-12)
    np.testing.assert_allclose(ev.baseline[0], 0.5 * np.var(y), rtol=1e-12)
    np.testing.assert_allclose(ev.ratio, ev.loss / ev.baseline, rtol=0)
    with pytest.raises(ValueError):
        long_lag.evaluate(runs, split="validation")


def test_one_stored_run_retrained_in_full():
    """The lesson's main run at seed 0 (LSTM, lr 0.02), all 1,000 steps, against the file."""
    stored = long_lag.adding_experiment(0, notify=_no_training)["lstm"]
    again = long_lag.train_adding("lstm", lrs=[0.02], seeds=[0], **long_lag.LESSON_SETTINGS)
    np.testing.assert_allclose(again.test_loss[0, 0], stored.test_loss[stored.at_lr(0.02), 0],
                               rtol=1e-6)


def _small(monkeypatch):
    small = dict(long_lag.LESSON_SETTINGS, T=5, steps=3, eval_every=3, n_train=60, n_test=40)
    monkeypatch.setattr(long_lag, "LESSON_SETTINGS", small)
    groups = {name: g._replace(steps=small["steps"]) for name, g in long_lag.GROUPS.items()}
    monkeypatch.setattr(long_lag, "GROUPS", groups)
    return groups


def test_unstored_seeds_are_trained_on_request_after_a_notice(monkeypatch):
    _small(monkeypatch)
    told = []
    runs = long_lag.adding_experiment(100, n_seeds=2, notify=told.append)
    assert len(told) == 1 and "seeds 100, 101" in told[0]
    assert runs["rnn"].seeds.tolist() == [100, 101]
    assert runs["lstm"].test_loss.shape == (len(long_lag.LESSON_LRS), 2, 2)
    assert runs["lstm_forget0"].forget_bias == 0.0
    assert runs["rnn_scale1.5"].scale == 1.5


def test_only_the_missing_seeds_are_trained(monkeypatch):
    """Seeds the file holds are read, the others trained and joined in seed order."""
    groups = _small(monkeypatch)
    stored = {name: g.train([7, 8]) for name, g in groups.items()}
    monkeypatch.setattr(long_lag, "_load", lambda: stored)
    trained = []
    real_train = long_lag.train_adding
    monkeypatch.setattr(long_lag, "train_adding",
                        lambda *a, **k: trained.append(list(k["seeds"])) or real_train(*a, **k))
    told = []
    runs = long_lag.adding_experiment(8, n_seeds=2, notify=told.append)
    assert trained == [[9]] * len(groups)
    assert len(told) == 1 and "seed 9 " in told[0]
    for name, g in groups.items():
        assert runs[name].seeds.tolist() == [8, 9]
        np.testing.assert_array_equal(runs[name].test_loss[:, 0], stored[name].test_loss[:, 1])
        np.testing.assert_array_equal(runs[name].test_loss[:, 1], g.train([9]).test_loss[:, 0])
    assert long_lag.adding_experiment(7, n_seeds=2, notify=_no_training)["rnn"].seeds.tolist() \
        == [7, 8]


def test_initial_params_are_the_runs_starting_point():
    p = long_lag.initial_params("lstm", 5, forget_bias=1.0)
    runs = long_lag.train_adding("lstm", T=4, lrs=[1e-12], seeds=[5], steps=1)
    for name in long_lag._PARAMS:
        np.testing.assert_allclose(runs.model(1e-12, 5)[name], p[name], atol=1e-9)
    assert np.all(p["b"][16:32] == 1.0)


def test_gate_profile_separates_marked_steps():
    rng = np.random.default_rng(0)
    H = 3
    p = {"Wx": np.zeros((2, 4 * H)), "Wh": np.zeros((H, 4 * H)), "b": np.zeros(4 * H)}
    p["Wx"][1, :H] = 5.0            # the marker opens the input gate
    p["b"][H:2 * H] = 4.0            # forget gate sigmoid(4) everywhere
    X, _ = data.adding_problem(20, 10, rng)
    g = long_lag.gate_profile(p, X)
    np.testing.assert_allclose(g.i_marked, 1 / (1 + np.exp(-5.0)))
    np.testing.assert_allclose(g.i_other, 0.5)
    np.testing.assert_allclose(g.f_marked, g.f_other)


def test_cell_path_share_matches_the_backward_pass():
    rng = np.random.default_rng(1)
    p = recurrent.init_lstm(2, 4, rng, forget_bias=2.0)
    p["W_out"], p["b_out"] = rng.normal(size=(4, 1)), np.zeros(1)
    X, y = data.adding_problem(8, 12, rng)
    s = long_lag.cell_path_share(p, X, y)
    h, cache = recurrent.lstm_forward(X, np.zeros((8, 4)), p["Wx"], p["Wh"], p["b"])
    dh = np.zeros_like(h)
    dh[:, -1] = ((h[:, -1] @ p["W_out"] + p["b_out"] - y) / 8) @ p["W_out"].T
    dc = recurrent.lstm_backward(dh, cache).dc
    np.testing.assert_allclose(s.total, np.linalg.norm(dc, axis=(0, 2)), rtol=1e-12)
    f = recurrent.lstm_gates(cache)["f"]
    t = 3
    alone = dc[:, -1] * np.prod(f[:, t + 1:], axis=1)
    assert s.cell_path[t] == pytest.approx(np.linalg.norm(alone), rel=1e-12)
    assert s.cell_path[-1] == s.total[-1] and s.share[-1] == 1.0
    assert s.steps_back.tolist() == list(range(11, -1, -1))
