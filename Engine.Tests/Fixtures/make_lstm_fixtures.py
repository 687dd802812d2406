"""Writes the PyTorch fixtures the LSTM tests compare against (run: /usr/bin/python3 make_lstm_fixtures.py).

Each lstm*.json holds a config, the inputs (x, h0, c0, parameters named as RnnEngine's Lstm.Parameters), the outputs
(y, hN, cN), the output gradients (dy, dhN, dcN) of the fixed loss L = sum(dy*y) + sum(dhN*hN) + sum(dcN*cN), and the
gradients of L w.r.t. x, h0, c0 and every parameter (grad_<name>). Inputs are drawn in float32 and everything is computed
in float64, so the fixtures are the exact answer for the float32 inputs the engine receives.
"""
import json
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def f32(t):
    return t.float().double()


def tensor_entry(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def peephole_lstm(x, h0, c0, params, layers, hidden):
    """TF LSTMCell(use_peepholes=True) with PyTorch gate order i, f, g, o and two biases; peephole rows w_ci, w_cf, w_co."""
    inp = x
    hn, cn = [], []
    for l in range(layers):
        wih, whh, bih, bhh, wp = params[5 * l:5 * l + 5]
        h, c = h0[l], c0[l]
        outs = []
        for t in range(inp.shape[0]):
            a = inp[t] @ wih.T + bih + bhh + h @ whh.T
            ai, af, ag, ao = a.split(hidden, dim=1)
            i = torch.sigmoid(ai + wp[0] * c)
            f = torch.sigmoid(af + wp[1] * c)
            g = torch.tanh(ag)
            c = f * c + i * g
            o = torch.sigmoid(ao + wp[2] * c)
            h = o * torch.tanh(c)
            outs.append(h)
        inp = torch.stack(outs)
        hn.append(h)
        cn.append(c)
    return inp, torch.stack(hn), torch.stack(cn)


def make(name, T, B, F, H, layers, peephole, seed):
    g = torch.Generator().manual_seed(seed)

    def uniform(*shape, bound=1.0):
        return f32((torch.rand(*shape, generator=g, dtype=torch.float64) * 2 - 1) * bound).requires_grad_(True)

    x = uniform(T, B, F)
    h0 = uniform(layers, B, H, bound=0.8)
    c0 = uniform(layers, B, H)
    bound = 1.0 / H ** 0.5
    names, params = [], []
    for l in range(layers):
        fl = F if l == 0 else H
        for pname, shape in [("weight_ih", (4 * H, fl)), ("weight_hh", (4 * H, H)), ("bias_ih", (4 * H,)), ("bias_hh", (4 * H,))]:
            names.append(f"{pname}_l{l}")
            params.append(uniform(*shape, bound=bound))
        if peephole:
            names.append(f"weight_peephole_l{l}")
            params.append(uniform(3, H, bound=bound))

    if peephole:
        y, hN, cN = peephole_lstm(x, h0, c0, params, layers, H)
    else:
        lstm = torch.nn.LSTM(F, H, num_layers=layers).double()
        with torch.no_grad():
            for pname, p in zip(names, params):
                getattr(lstm, pname).copy_(p)
        y, (hN, cN) = lstm(x, (h0, c0))
        # Gradients w.r.t. the module's own parameters, reported under the same names.
        params = [getattr(lstm, n) for n in names]

    dy, dhN, dcN = uniform(T, B, H).detach(), uniform(layers, B, H).detach(), uniform(layers, B, H).detach()
    loss = (dy * y).sum() + (dhN * hN).sum() + (dcN * cN).sum()
    grads = torch.autograd.grad(loss, [x, h0, c0] + params)

    tensors = {"x": x, "h0": h0, "c0": c0}
    tensors.update(dict(zip(names, params)))
    tensors.update({"y": y, "hN": hN, "cN": cN, "dy": dy, "dhN": dhN, "dcN": dcN})
    for n, gr in zip(["x", "h0", "c0"] + names, grads):
        tensors["grad_" + n] = gr
    doc = {
        "config": {"T": T, "B": B, "F": F, "H": H, "layers": layers, "peephole": peephole,
                   "source": "torch " + torch.__version__ + (" (peephole LSTM written out)" if peephole else " nn.LSTM")},
        "parameters": names,
        "tensors": {k: tensor_entry(v) for k, v in tensors.items()},
    }
    with open(os.path.join(HERE, name + ".json"), "w") as fh:
        json.dump(doc, fh, separators=(",", ":"))


if __name__ == "__main__":
    # H = 20 covers one 16-wide SIMD chunk plus a scalar tail on the cpu backend.
    make("lstm_1layer", T=5, B=2, F=3, H=20, layers=1, peephole=False, seed=1)
    make("lstm_2layer", T=5, B=2, F=3, H=20, layers=2, peephole=False, seed=2)
    make("lstm_peephole", T=5, B=2, F=3, H=20, layers=1, peephole=True, seed=3)
