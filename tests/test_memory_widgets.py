import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from vgteach import memory_widgets as mw  # noqa: E402


def test_compute_residual_plain_vs_skip():
    plain = mw.compute_residual(depth=20, skip=False, activation="sigmoid", steps=5, n=30)
    res = mw.compute_residual(depth=20, skip=True, activation="sigmoid", steps=5, n=30)
    assert plain.delta_norms.shape == (21,) and plain.loss.shape == (5,)
    assert plain.first_to_last < 1e-8 < 1e-2 < res.first_to_last


def test_compute_residual_is_pure_and_deterministic():
    a = mw.compute_residual(depth=4, steps=3, n=30)
    b = mw.compute_residual(depth=4, steps=3, n=30)
    assert np.array_equal(a.delta_norms, b.delta_norms) and np.array_equal(a.loss, b.loss)


def test_plot_residual_returns_axes():
    ax = mw.plot_residual(mw.compute_residual(depth=3, steps=3, n=30))
    assert "residual" in ax.get_title() and ax.get_yscale() == "log"
    plt.close("all")


def test_explore_residual_controls_drive_the_result():
    e = mw.explore_residual()
    assert e.n_updates == 1 and e.result.skip and e.result.depth == 30
    e.controls["depth"].value = 12
    assert e.result.depth == 12 and e.result.delta_norms.size == 13
    before = e.result.first_to_last
    e.controls["activation"].value = "sigmoid"
    e.controls["skip"].value = False
    assert e.result.activation == "sigmoid" and not e.result.skip
    assert e.result.first_to_last < before * 1e-3
    assert e.n_updates == 4
    plt.close("all")
