"""Adam and gradient clipping for many independent copies of a model stacked along axis 0.

``vgteach.optim.Adam`` and ``vgteach.optim.clip_by_norm`` with the same formulas, applied to each
copy on its own (its own learning rate, its own global norm), so that a sweep over learning rates
and seeds runs as one vectorised computation. Used by ``lr_window`` and ``long_lag``.
"""
import numpy as np


def clip_each(grads, max_norm):
    """Clip every copy's gradients by their own global norm (``optim.clip_by_norm`` per copy).

    ``grads`` is a list of arrays whose axis 0 indexes the copies. Returns new arrays and the
    norms before clipping, ndarray (K,)."""
    K = grads[0].shape[0]
    norm = np.sqrt(sum(np.sum(g.reshape(K, -1) ** 2, axis=1) for g in grads))
    scale = np.where(norm > max_norm, max_norm / np.where(norm > 0, norm, 1.0), 1.0)
    return [g * scale.reshape((K,) + (1,) * (g.ndim - 1)) for g in grads], norm


class ReplicaAdam:
    """``optim.Adam`` for stacked copies, one learning rate per copy (ndarray (K,))."""

    def __init__(self, params, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        lr = np.asarray(lr, dtype=float)
        self.lr = [lr.reshape((-1,) + (1,) * (p.ndim - 1)) for p in params]
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, params, grads):
        """Update every array of ``params`` in place."""
        self.t += 1
        for i, (p, g) in enumerate(zip(params, grads)):
            self.m[i] = self.beta1 * self.m[i] + (1 - self.beta1) * g
            self.v[i] = self.beta2 * self.v[i] + (1 - self.beta2) * g * g
            m_hat = self.m[i] / (1 - self.beta1 ** self.t)
            v_hat = self.v[i] / (1 - self.beta2 ** self.t)
            p -= self.lr[i] * m_hat / (np.sqrt(v_hat) + self.eps)
