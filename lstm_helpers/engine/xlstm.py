"""xLSTM's two cells, sLSTM and mLSTM (Beck et al. 2024), one step at a time in numpy (chapter 17).

The book's LSTM beside the sLSTM (x_t: (D,), everything else (H,)). W·[h_{t-1}, x_t] = W_x x_t + W_h h_{t-1}:
the sLSTM's R is the h-half of the book's W.

  LSTM (book)                            sLSTM                                 what changes
  f_t = σ(W_f·[h_{t-1},x_t] + b_f)       f_t = σ(f̃_t)  or  exp(f̃_t)          forget may be exp
  i_t = σ(W_i·[h_{t-1},x_t] + b_i)       i_t = exp(ĩ_t)                        input gate unbounded
  C̃_t = tanh(W_C·[h_{t-1},x_t] + b_C)    z_t = tanh(z̃_t)                       same, renamed
  C_t = f_t*C_{t-1} + i_t*C̃_t            c_t = f_t c_{t-1} + i_t z_t           same
                                         n_t = f_t n_{t-1} + i_t               NEW normaliser
  o_t = σ(W_o·[h_{t-1},x_t] + b_o)       o_t = σ(õ_t)                          same
  h_t = o_t*tanh(C_t)                    h_t = o_t ⊙ (c_t / n_t)               tanh -> divide by n_t
  with  g̃_t = W_g x_t + R_g h_{t-1} + b_g  for g in z, i, f, o.

mLSTM (matrix memory, d = head size; no h_{t-1} anywhere, so it can be computed in parallel over t):
  q_t = W_q x_t + b_q,   k_t = (W_k x_t + b_k)/√d,   v_t = W_v x_t + b_v       (d,)
  i_t = exp(w_iᵀx_t + b_i),  f_t = σ(w_fᵀx_t + b_f) or exp(..)   one scalar per head
  o_t = σ(W_o x_t + b_o)                                                      (d,)
  C_t = f_t C_{t-1} + i_t v_t k_tᵀ   (d, d)   the LSTM's cell becomes a key -> value store
  n_t = f_t n_{t-1} + i_t k_t        (d,)
  h_t = o_t ⊙ C_t q_t / max(|n_tᵀq_t|, 1)

Stabiliser (both cells), because exp(ĩ) overflows float32 once ĩ > ln(3.4e38) ≈ 88.72:
  m_t = max(log f_t + m_{t-1}, log i_t),  i'_t = exp(log i_t − m_t),  f'_t = exp(log f_t + m_{t-1} − m_t),
used in place of i_t, f_t. By induction c'_t = c_t e^{−m_t} and n'_t = n_t e^{−m_t} (C', n' likewise), so
c'/n' = c/n. For the mLSTM the floor 1 in max(|nᵀq|, 1) is rescaled too: max(|n'ᵀq|, e^{−m_t}).

Checked against the authors' code (NX-AI/xlstm: blocks/slstm/src/vanilla/slstm.py, blocks/mlstm/backends.py):
the mLSTM step uses the e^{−m_t} floor and divides the projected key by √d (here the bias is inside too);
the sLSTM takes m_t = ĩ_t while its memory is empty (here per unit). The code's eps = 1e-6 in the mLSTM
denominator is left out so the equalities can be tested exactly. Simplifications: one head, full R (the
paper uses a block-diagonal R, one block per head).
"""
from __future__ import annotations

import numpy as np

GATES = ("z", "i", "f", "o")            # row order of the sLSTM's stacked W, R, b
FORGET_KINDS = ("sigmoid", "exp")
MLSTM_KEYS = ("W_q", "W_k", "W_v", "W_o", "b_q", "b_k", "b_v", "b_o", "w_i", "w_f", "b_i", "b_f")


def _dtype(dtype):
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(f"dtype must be np.float32 or np.float64; got {dtype!r}")
    return dt


def _array(name, value, shape, dt, finite=True):
    """value as an array of ``shape`` in dtype dt. States may hold inf or nan (the overflow demo shows
    them), so only weights and inputs must be finite."""
    try:
        arr = np.asarray(value, dtype=dt)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be a numeric array of shape {shape}; got {type(value).__name__}") from err
    if arr.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}; got shape {arr.shape}")
    if finite and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers; it has inf or nan")
    return arr


def _options(stabilise, forget):
    if not isinstance(stabilise, (bool, np.bool_)):
        raise ValueError(f"stabilise must be True or False; got {stabilise!r}")
    if forget not in FORGET_KINDS:
        raise ValueError(f"forget must be one of {list(FORGET_KINDS)}; got {forget!r}")


def _state(value, shapes, dt):
    if not isinstance(value, (tuple, list)) or len(value) != len(shapes):
        raise ValueError(f"state must be a tuple of {len(shapes)} arrays; got {type(value).__name__}"
                         + (f" of {len(value)}" if isinstance(value, (tuple, list)) else ""))
    return [_array(f"state[{j}]", s, shp, dt, finite=False) for j, (s, shp) in enumerate(zip(value, shapes))]


def _check_init(rng, sizes, scale):
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy Generator, e.g. np.random.default_rng(0); got {type(rng).__name__}")
    for name, v in sizes.items():
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{name} must be an integer >= 1; got {v!r}")
    if not (isinstance(scale, (int, float)) and np.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive finite number; got {scale!r}")


def _log_forget(pre, forget):
    # log σ(x) = −log(1 + e^{−x}), with logaddexp so a very negative x cannot overflow
    return -np.logaddexp(0.0, -pre) if forget == "sigmoid" else pre


def _sigmoid(x):
    return np.exp(-np.logaddexp(0.0, -x))


def _gates(log_i, log_f, m, empty, stabilise):
    """The input and forget gates used, and the new stabiliser m_t. Any shape, elementwise."""
    if not stabilise:
        return np.exp(log_i), np.exp(log_f), m          # m carried unchanged: "no rescaling"
    # With an empty memory (c = n = 0) m_{t-1} multiplies nothing, so any m_t is valid; m_t = ĩ_t
    # (as in the authors' code) keeps i'_t = 1 even when ĩ_t is very negative.
    m_new = np.where(empty, log_i, np.maximum(log_f + m, log_i))
    return np.exp(log_i - m_new), np.exp(log_f + m - m_new), m_new


# ---------------------------------------------------------------- sLSTM
def init_slstm_params(rng, input_size, hidden_size, scale=0.5):
    """Random sLSTM weights: W (4, H, D), R (4, H, H), b (4, H), rows ordered as GATES (z, i, f, o)."""
    _check_init(rng, {"input_size": input_size, "hidden_size": hidden_size}, scale)
    D, H = int(input_size), int(hidden_size)
    return {"W": rng.normal(0, scale / np.sqrt(D), (4, H, D)), "R": rng.normal(0, scale / np.sqrt(H), (4, H, H)),
            "b": rng.normal(0, scale, (4, H))}


def _slstm_params(params, dt):
    if not isinstance(params, dict) or not {"W", "R", "b"} <= set(params):
        raise ValueError(f"params must be a dict with keys 'W', 'R', 'b'; got "
                         f"{sorted(params) if isinstance(params, dict) else type(params).__name__}")
    W = np.asarray(params["W"])
    if W.ndim != 3 or W.shape[0] != 4:
        raise ValueError(f"params['W'] must have shape (4, H, D); got shape {W.shape}")
    H, D = W.shape[1:]
    return (_array("params['W']", W, (4, H, D), dt), _array("params['R']", params["R"], (4, H, H), dt),
            _array("params['b']", params["b"], (4, H), dt), H, D)


def slstm_step(params, x_t, state, stabilise=True, forget="sigmoid", dtype=np.float64):
    """One sLSTM step.

    params: {"W": (4, H, D), "R": (4, H, H), "b": (4, H)}, gate rows z, i, f, o.   x_t: (D,).
    state: (h, c, n, m), each (H,); zeros to start.   stabilise: use m_t (True) or the raw exp gates.
    forget: "sigmoid" or "exp".   dtype: np.float32 or np.float64, used for every operation.
    Returns (h_t, (h_t, c_t, n_t, m_t)), each (H,).
    """
    dt = _dtype(dtype)
    _options(stabilise, forget)
    W, R, b, H, D = _slstm_params(params, dt)
    x = _array("x_t", x_t, (D,), dt)
    h, c, n, m = _state(state, [(H,)] * 4, dt)
    pre = W @ x + R @ h + b                                  # (4, H): z̃, ĩ, f̃, õ
    z, o = np.tanh(pre[0]), _sigmoid(pre[3])
    i_g, f_g, m_new = _gates(pre[1], _log_forget(pre[2], forget), m, (c == 0) & (n == 0), stabilise)
    c_new = f_g * c + i_g * z
    n_new = f_g * n + i_g
    h_new = o * (c_new / n_new)
    return h_new, (h_new, c_new, n_new, m_new.astype(dt))


def slstm_forward(params, xs, state=None, stabilise=True, forget="sigmoid", dtype=np.float64):
    """slstm_step over xs: (T, D). state: (h, c, n, m) or None (zeros). Returns (hs (T, H), final state)."""
    dt = _dtype(dtype)
    _, _, _, H, D = _slstm_params(params, dt)
    xs = np.asarray(xs)
    if xs.ndim != 2 or xs.shape[1] != D or xs.shape[0] < 1:
        raise ValueError(f"xs must have shape (T, {D}) with T >= 1; got shape {xs.shape}")
    state = tuple(np.zeros(H, dt) for _ in range(4)) if state is None else state
    hs = []
    for x_t in xs:
        h, state = slstm_step(params, x_t, state, stabilise, forget, dt)
        hs.append(h)
    return np.stack(hs), state


# ---------------------------------------------------------------- mLSTM
def init_mlstm_params(rng, input_size, d, scale=0.5):
    """Random mLSTM weights: W_q, W_k, W_v, W_o (d, D); b_q, b_k, b_v, b_o (d,); w_i, w_f (D,); b_i, b_f ()."""
    _check_init(rng, {"input_size": input_size, "d": d}, scale)
    D, d = int(input_size), int(d)
    p = {k: rng.normal(0, scale / np.sqrt(D), (d, D)) for k in MLSTM_KEYS[:4]}
    p.update({k: rng.normal(0, scale, d) for k in MLSTM_KEYS[4:8]})
    p.update({k: rng.normal(0, scale / np.sqrt(D), D) for k in ("w_i", "w_f")})
    p.update({k: np.array(rng.normal(0, scale)) for k in ("b_i", "b_f")})
    return p


def _mlstm_params(params, dt):
    if not isinstance(params, dict) or not set(MLSTM_KEYS) <= set(params):
        raise ValueError(f"params must be a dict with keys {list(MLSTM_KEYS)}; got "
                         f"{sorted(params) if isinstance(params, dict) else type(params).__name__}")
    Wq = np.asarray(params["W_q"])
    if Wq.ndim != 2:
        raise ValueError(f"params['W_q'] must have shape (d, D); got shape {Wq.shape}")
    d, D = Wq.shape
    shapes = dict.fromkeys(MLSTM_KEYS[:4], (d, D)) | dict.fromkeys(MLSTM_KEYS[4:8], (d,))
    shapes |= {"w_i": (D,), "w_f": (D,), "b_i": (), "b_f": ()}
    return {k: _array(f"params['{k}']", params[k], s, dt) for k, s in shapes.items()}, d, D


def mlstm_step(params, x_t, state, stabilise=True, forget="sigmoid", dtype=np.float64):
    """One mLSTM step (one head).

    params: see init_mlstm_params (d = head size, D = input size).   x_t: (D,).
    state: (C (d, d), n (d,), m ()); zeros to start.   Returns (h_t (d,), (C_t, n_t, m_t)).
    """
    dt = _dtype(dtype)
    _options(stabilise, forget)
    p, d, D = _mlstm_params(params, dt)
    x = _array("x_t", x_t, (D,), dt)
    C, n, m = _state(state, [(d, d), (d,), ()], dt)
    q = p["W_q"] @ x + p["b_q"]
    k = (p["W_k"] @ x + p["b_k"]) / dt.type(np.sqrt(d))     # 1/√d keeps |q·k| of order 1 as d grows
    v = p["W_v"] @ x + p["b_v"]
    o = _sigmoid(p["W_o"] @ x + p["b_o"])
    log_i = p["w_i"] @ x + p["b_i"]
    log_f = _log_forget(p["w_f"] @ x + p["b_f"], forget)
    empty = not (np.any(C) or np.any(n))
    i_g, f_g, m_new = _gates(log_i, log_f, m, empty, stabilise)
    C_new = f_g * C + i_g * np.outer(v, k)                   # the paper's C_t = f C + i v kᵀ
    n_new = f_g * n + i_g * k
    floor = np.exp(-m_new) if stabilise else dt.type(1)      # the floor 1, rescaled with the state
    h = o * (C_new @ q) / np.maximum(np.abs(n_new @ q), floor)
    return h, (C_new, n_new, np.asarray(m_new, dt))


def mlstm_forward(params, xs, state=None, stabilise=True, forget="sigmoid", dtype=np.float64):
    """mlstm_step over xs: (T, D). Returns (hs (T, d), final state (C, n, m))."""
    dt = _dtype(dtype)
    _, d, D = _mlstm_params(params, dt)
    xs = np.asarray(xs)
    if xs.ndim != 2 or xs.shape[1] != D or xs.shape[0] < 1:
        raise ValueError(f"xs must have shape (T, {D}) with T >= 1; got shape {xs.shape}")
    state = (np.zeros((d, d), dt), np.zeros(d, dt), np.zeros((), dt)) if state is None else state
    hs = []
    for x_t in xs:
        h, state = mlstm_step(params, x_t, state, stabilise, forget, dt)
        hs.append(h)
    return np.stack(hs), state


# ---------------------------------------------------------------- why the stabiliser exists
def _demo_params():
    # 1-unit sLSTM, D = 2: ĩ = x[0], z̃ = x[1], f̃ = 2 (σ ≈ 0.88), õ = 0 (o = 0.5), no recurrence.
    W = np.zeros((4, 1, 2))
    W[0, 0, 1] = W[1, 0, 0] = 1.0
    b = np.zeros((4, 1))
    b[2, 0] = 2.0
    return {"W": W, "R": np.zeros((4, 1, 1)), "b": b}


def overflow_demo(i_tildes=(10.0, 50.0, 89.0, 100.0)):
    """For each ĩ: step 1 stores z = tanh(1) with ĩ = 0, step 2 offers z = tanh(−1) with input
    pre-activation ĩ. Returns {"log_float32_max", "rows": one dict per ĩ (exp(ĩ), c_2, n_2 in float32;
    h_2 unstabilised float32, stabilised float32, unstabilised float64; |f32 stabilised − f64|),
    "accumulation": an exp forget gate with f̃ = 1 over 120 steps, where n overflows float32 with
    every input tiny}."""
    vals = np.asarray(i_tildes, dtype=np.float64)
    if vals.ndim != 1 or vals.size == 0 or not np.all(np.isfinite(vals)):
        raise ValueError(f"i_tildes must be a non-empty 1-D sequence of finite numbers; got {i_tildes!r}")
    params, rows = _demo_params(), []
    with np.errstate(over="ignore", invalid="ignore"):      # the overflow is the point here
        for it in vals:
            xs = np.array([[0.0, 1.0], [it, -1.0]])
            h32, (_, c32, n32, _) = slstm_forward(params, xs, stabilise=False, dtype=np.float32)
            s32, _ = slstm_forward(params, xs, stabilise=True, dtype=np.float32)
            h64, _ = slstm_forward(params, xs, stabilise=False, dtype=np.float64)
            rows.append({"i_tilde": float(it), "exp_i_f32": float(np.exp(np.float32(it))),
                         "c_f32": float(c32[0]), "n_f32": float(n32[0]), "h_f32_raw": float(h32[-1, 0]),
                         "h_f32_stab": float(s32[-1, 0]), "h_f64_raw": float(h64[-1, 0]),
                         "abs_err_stab_vs_f64": float(abs(np.float64(s32[-1, 0]) - h64[-1, 0]))})
        acc = {"W": np.zeros((4, 1, 1)), "R": np.zeros((4, 1, 1)), "b": np.array([[0.5], [0.0], [1.0], [0.0]])}
        xs = np.zeros((120, 1))
        state, first_inf = tuple(np.zeros(1, np.float32) for _ in range(4)), None
        for t in range(len(xs)):
            _, state = slstm_step(acc, xs[t], state, stabilise=False, forget="exp", dtype=np.float32)
            if first_inf is None and not np.isfinite(state[2][0]):
                first_inf = t + 1
        hs, _ = slstm_forward(acc, xs, stabilise=True, forget="exp", dtype=np.float32)
    return {"log_float32_max": float(np.log(np.finfo(np.float32).max)), "rows": rows,
            "accumulation": {"steps": len(xs), "first_step_n_inf_f32_raw": first_inf,
                             "h_last_f32_raw": float(state[0][0]), "h_last_f32_stab": float(hs[-1, 0])}}


def format_overflow_table(demo):
    """Plain-text table (≤ 76 characters a line) of overflow_demo()["rows"]."""
    if not isinstance(demo, dict) or "rows" not in demo:
        raise ValueError(f"demo must be the dict returned by overflow_demo(); got {type(demo).__name__}")
    lines = [f"{'ĩ':>4} {'exp(ĩ)':>9} {'c_2':>9} {'n_2':>9} {'h_2 raw':>10} {'h_2 stab':>10} {'h_2 f64':>10}",
             f"{'':>4} {'float32':>9} {'float32':>9} {'float32':>9} {'float32':>10} {'float32':>10}"]
    for r in demo["rows"]:
        lines.append(f"{r['i_tilde']:4.0f} {r['exp_i_f32']:9.3g} {r['c_f32']:9.3g} {r['n_f32']:9.3g} "
                     f"{r['h_f32_raw']:10.5f} {r['h_f32_stab']:10.5f} {r['h_f64_raw']:10.5f}")
    return "\n".join(lines)
