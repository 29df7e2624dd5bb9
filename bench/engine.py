"""vgteach's engine against PyTorch's autograd on the CPU, and how the engine scales.

Both sides get the same float64 weights and inputs in one process and are timed taking turns
(``timing.interleaved``). vgteach runs its BLAS on one thread inside its calls whatever
``--threads`` says (``vgteach._threads``); torch uses ``--threads``. The gradient difference of
one array is ``max|g_vgteach - g_torch| / max|g_torch|`` (relative to the array's scale, so a
tiny gradient of a vanishing layer is judged by its own size); the reported figure is the
largest over all arrays. PyTorch is optional: without it the comparison says so and returns
``None``.
"""
import numpy as np

from vgteach.mlp import MLP

from .timing import interleaved, time_calls

# Our LSTM's gate blocks are (i, f, o, g); torch.nn.LSTM's are (i, f, g, o). Swapping the last
# two blocks maps one to the other, and is its own inverse.
_GATE_ORDER = (0, 1, 3, 2)


def try_torch(threads=None):
    """The ``torch`` module (with ``threads`` intra-op threads), or None if it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    if threads:
        torch.set_num_threads(int(threads))
    return torch


def rel_diff(ours, theirs):
    """Largest ``max|a - b| / max|b|`` over pairs of arrays."""
    worst = 0.0
    for a, b in zip(ours, theirs):
        a, b = np.asarray(a), np.asarray(b)
        scale = np.abs(b).max()
        worst = max(worst, float(np.abs(a - b).max() / (scale if scale > 0 else 1.0)))
    return worst


# ---------------------------------------------------------------- MLP
def mlp_case(depth=20, width=64, batch=128, activation="sigmoid", seed=0):
    """``depth`` hidden layers of ``width`` units and a linear output of width 1, with data."""
    rng = np.random.default_rng(seed)
    net = MLP([width] * (depth + 1) + [1], activation=activation, seed=rng)
    return net, rng.normal(size=(batch, width)), rng.normal(size=(batch, 1))


def vgteach_mlp(net, X, y):
    """Forward + backward with vgteach; returns the gradient arrays (dW..., db...)."""
    _, grads = net.loss_and_grads(X, y, loss="mse")
    return grads.dW + grads.db


def torch_mlp(torch, net, X, y):
    """A closure doing the same forward + backward with torch autograd; it returns the grads."""
    Ws = [torch.tensor(W, requires_grad=True) for W in net.weights]
    bs = [torch.tensor(b, requires_grad=True) for b in net.biases]
    Xt, yt = torch.tensor(X), torch.tensor(y)
    act = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[net.activation]

    def step():
        for p in Ws + bs:
            p.grad = None
        a = Xt
        for l, (W, b) in enumerate(zip(Ws, bs)):
            z = a @ W + b
            a = act(z) if l < len(Ws) - 1 else z
        loss = ((a - yt) ** 2).sum() / (2 * Xt.shape[0])  # vgteach's MSE: sum / (2N)
        loss.backward()
        return [p.grad.numpy() for p in Ws + bs]
    return step


#: The MLPs compared with torch: the benchmark's deep sigmoid net (lessons 2-3 in size), and a
#: net the size of lesson 6's training runs.
MLP_CASES = {"mlp": {"depth": 20, "width": 64, "batch": 128, "activation": "sigmoid"},
             "mlp_small": {"depth": 6, "width": 32, "batch": 64, "activation": "tanh"}}


def compare_mlp(depth=20, width=64, batch=128, activation="sigmoid", repeat=10, torch=None):
    """Gradients and time of vgteach vs torch on one MLP; dict (torch fields None without it)."""
    net, X, y = mlp_case(depth, width, batch, activation)
    ours = lambda: vgteach_mlp(net, X, y)  # noqa: E731
    out = {"case": f"MLP {depth}x{width}, batch {batch}, float64, {activation}, MSE",
           "max_rel_diff": None, "torch_ms": None, "ratio": None, "cpu_ratio": None}
    if torch is None:
        out["vgteach_ms"] = float(np.median(time_calls(ours, repeat)) * 1e3)
        return out
    theirs = torch_mlp(torch, net, X, y)
    out["max_rel_diff"] = rel_diff(ours(), theirs())
    t, cpu = interleaved({"vgteach": ours, "torch": theirs}, repeat, cpu=True)
    out["vgteach_ms"] = float(np.median(t["vgteach"]) * 1e3)
    out["torch_ms"] = float(np.median(t["torch"]) * 1e3)
    out["ratio"] = out["torch_ms"] / out["vgteach_ms"]
    out["cpu_ratio"] = float(np.median(cpu["torch"]) / np.median(cpu["vgteach"]))
    return out


# ---------------------------------------------------------------- LSTM
def lstm_case(T=100, H=64, N=32, D=64, seed=0):
    """Inputs, initial state, weights and an upstream gradient ``dh`` for one LSTM layer."""
    rng = np.random.default_rng(seed)
    return {"x": rng.normal(size=(N, T, D)), "h0": rng.normal(size=(N, H)) * 0.1,
            "Wx": rng.normal(size=(D, 4 * H)) / np.sqrt(D),
            "Wh": rng.normal(size=(H, 4 * H)) / np.sqrt(H),
            "b": rng.normal(size=4 * H) * 0.1, "dh": rng.normal(size=(N, T, H))}


def vgteach_lstm(case):
    """Forward + backward of ``vgteach.recurrent``'s LSTM; returns (dx, dh0, dWx, dWh, db)."""
    from vgteach import recurrent
    _, cache = recurrent.lstm_forward(case["x"], case["h0"], case["Wx"], case["Wh"], case["b"])
    return tuple(recurrent.lstm_backward(case["dh"], cache))


def torch_lstm_loop(torch, case):
    """The same LSTM written step by step in torch (autograd through a Python loop)."""
    p = {k: torch.tensor(v, requires_grad=k != "dh") for k, v in case.items()}
    H = case["h0"].shape[1]

    def step():
        for k in ("x", "h0", "Wx", "Wh", "b"):
            p[k].grad = None
        h, c, hs = p["h0"], torch.zeros_like(p["h0"]), []
        x_proj = p["x"] @ p["Wx"] + p["b"]  # all time steps' input projections at once
        for t in range(case["x"].shape[1]):
            a = x_proj[:, t] + h @ p["Wh"]
            i, f, o = torch.sigmoid(a[:, :3 * H]).split(H, dim=1)
            c = f * c + i * torch.tanh(a[:, 3 * H:])
            h = o * torch.tanh(c)
            hs.append(h)
        (torch.stack(hs, dim=1) * p["dh"]).sum().backward()
        return [p[k].grad.numpy() for k in ("x", "h0", "Wx", "Wh", "b")]
    return step


def _to_torch_gates(w, axis):
    return np.concatenate([np.split(w, 4, axis=axis)[k] for k in _GATE_ORDER], axis=axis)


def torch_lstm_fused(torch, case):
    """The same LSTM with ``torch.nn.LSTM`` (its fused C++ kernel), gates reordered to match."""
    N, T, D = case["x"].shape
    H = case["h0"].shape[1]
    lstm = torch.nn.LSTM(D, H, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.tensor(_to_torch_gates(case["Wx"], 1).T))
        lstm.weight_hh_l0.copy_(torch.tensor(_to_torch_gates(case["Wh"], 1).T))
        lstm.bias_ih_l0.copy_(torch.tensor(_to_torch_gates(case["b"], 0)))
        lstm.bias_hh_l0.zero_()
    x = torch.tensor(case["x"], requires_grad=True)
    h0 = torch.tensor(case["h0"][None], requires_grad=True)
    c0, dh = torch.zeros_like(h0), torch.tensor(case["dh"])

    def step():
        for t in (x, h0, *lstm.parameters()):
            t.grad = None
        out, _ = lstm(x, (h0, c0))
        (out * dh).sum().backward()
        return [x.grad.numpy(), h0.grad[0].numpy(),
                _to_torch_gates(lstm.weight_ih_l0.grad.numpy().T, 1),
                _to_torch_gates(lstm.weight_hh_l0.grad.numpy().T, 1),
                _to_torch_gates(lstm.bias_ih_l0.grad.numpy(), 0)]
    return step


def compare_lstm(T=100, H=64, N=32, D=64, repeat=5, torch=None):
    """Gradients and time of vgteach's LSTM vs torch (a Python loop, and nn.LSTM); dict."""
    case = lstm_case(T, H, N, D)
    ours = lambda: vgteach_lstm(case)  # noqa: E731
    out = {"case": f"LSTM T={T}, H={H}, D={D}, batch {N}, float64",
           "max_rel_diff": None, "torch_ms": None, "ratio": None, "cpu_ratio": None,
           "fused_max_rel_diff": None, "fused_ms": None, "fused_ratio": None,
           "fused_cpu_ratio": None}
    if torch is None:
        out["vgteach_ms"] = float(np.median(time_calls(ours, repeat)) * 1e3)
        return out
    loop, fused = torch_lstm_loop(torch, case), torch_lstm_fused(torch, case)
    reference = ours()
    out["max_rel_diff"] = rel_diff(reference, loop())
    out["fused_max_rel_diff"] = rel_diff(reference, fused())
    t, cpu = interleaved({"vgteach": ours, "torch": loop, "fused": fused}, repeat, cpu=True)
    out["vgteach_ms"] = float(np.median(t["vgteach"]) * 1e3)
    out["torch_ms"] = float(np.median(t["torch"]) * 1e3)
    out["fused_ms"] = float(np.median(t["fused"]) * 1e3)
    out["ratio"] = out["torch_ms"] / out["vgteach_ms"]
    out["fused_ratio"] = out["fused_ms"] / out["vgteach_ms"]
    cpu_ours = np.median(cpu["vgteach"])
    out["cpu_ratio"] = float(np.median(cpu["torch"]) / cpu_ours)
    out["fused_cpu_ratio"] = float(np.median(cpu["fused"]) / cpu_ours)
    return out


# ---------------------------------------------------------------- scaling
SCALING = {
    "MLP depth": ("depth", (5, 10, 20, 40)),
    "MLP width": ("width", (32, 64, 128, 256)),
    "MLP batch": ("batch", (32, 64, 128, 256, 512)),
    "LSTM sequence length": ("T", (25, 50, 100, 200)),
}
_BASE_MLP = {"depth": 20, "width": 64, "batch": 128}
_BASE_LSTM = {"T": 100, "H": 64, "N": 32, "D": 64}


def scaling(repeat=5, sizes=None):
    """Fastest forward+backward time as one size grows, the others at the benchmark's values.

    The minimum of ``repeat`` runs, not the median: on a shared machine noise only ever adds
    time, and a sweep compares sizes run at different moments.

    Returns a list of dicts: ``sweep``, ``param``, ``value``, ``ms``, ``ms_per_unit`` (time
    divided by the value: flat where the cost is linear in it). ``sizes`` overrides SCALING.
    """
    import importlib.util
    have_lstm = importlib.util.find_spec("vgteach.recurrent") is not None
    rows = []
    for sweep, (param, values) in (sizes or SCALING).items():
        if param == "T" and not have_lstm:
            continue  # vgteach.recurrent not there yet
        for value in values:
            if param == "T":
                case = lstm_case(**{**_BASE_LSTM, "T": value})
                fn = lambda case=case: vgteach_lstm(case)  # noqa: E731
            else:
                net, X, y = mlp_case(**{**_BASE_MLP, param: value})
                fn = lambda net=net, X=X, y=y: vgteach_mlp(net, X, y)  # noqa: E731
            ms = float(np.min(time_calls(fn, repeat)) * 1e3)
            rows.append({"sweep": sweep, "param": param, "value": value, "ms": ms,
                         "ms_per_unit": ms / value})
    return rows
