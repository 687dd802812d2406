"""Writes the PyTorch fixtures the GRU and attention tests compare against
(run: /usr/bin/python3 make_gru_attention_fixtures.py).

gru*.json: torch.nn.GRU (PyTorch formulation: reset gate on (W_hn h + b_hn)); config, inputs (x, h0, parameters named as
RnnEngine's Gru.Parameters), outputs (y, hN), output gradients (dy, dhN) of the fixed loss L = sum(dy*y) + sum(dhN*hN),
and grad_<name> for x, h0 and every parameter.
attention*.json: Bahdanau attention as in /work/shared/peers/torch_seq_ae.py (keys = W_h enc with bias, W_s s without
bias, v without bias; softmax over encoder steps, masked steps set to -inf), several decoder queries against one encoder
sequence, time-major; outputs contexts [S, B, H] and weights [S, T, B]; grad_<name> of L = sum(dcontexts*contexts) for
encoder, queries and the weights w_key, b_key, w_query, v.
Inputs are drawn in float32 and everything is computed in float64, so a fixture is the exact answer for the float32
inputs the engine receives.
"""
import json
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def f32(t):
    return t.float().double()


def entry(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def uniform_factory(seed):
    g = torch.Generator().manual_seed(seed)

    def uniform(*shape, bound=1.0):
        return f32((torch.rand(*shape, generator=g, dtype=torch.float64) * 2 - 1) * bound).requires_grad_(True)

    return uniform


def write(name, config, parameters, tensors):
    path = os.path.join(HERE, name + ".json")
    with open(path, "w") as f:
        json.dump({"config": config, "parameters": parameters, "tensors": {k: entry(v) for k, v in tensors.items()}},
                  f, separators=(",", ":"))
    print("wrote", path)


def make_gru(name, T, B, F, H, layers, seed):
    uniform = uniform_factory(seed)
    gru = torch.nn.GRU(F, H, layers).double()
    names = []
    with torch.no_grad():
        for l in range(layers):
            for p in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                n = f"{p}_l{l}"
                getattr(gru, n).copy_(uniform(*getattr(gru, n).shape, bound=1.0 / H ** 0.5).detach())
                names.append(n)
    x = uniform(T, B, F)
    h0 = uniform(layers, B, H, bound=0.8)
    y, hN = gru(x, h0)
    dy = f32(torch.rand(T, B, H, generator=torch.Generator().manual_seed(seed + 1), dtype=torch.float64) * 2 - 1)
    dhN = f32(torch.rand(layers, B, H, generator=torch.Generator().manual_seed(seed + 2), dtype=torch.float64) * 2 - 1)
    loss = (dy * y).sum() + (dhN * hN).sum()
    loss.backward()
    tensors = {"x": x, "h0": h0, "y": y, "hN": hN, "dy": dy, "dhN": dhN, "grad_x": x.grad, "grad_h0": h0.grad}
    for n in names:
        tensors[n] = getattr(gru, n)
        tensors["grad_" + n] = getattr(gru, n).grad
    config = {"T": T, "B": B, "F": F, "H": H, "layers": layers, "source": f"torch {torch.__version__} nn.GRU"}
    write(name, config, names, tensors)


def make_attention(name, T, B, H, Q, A, S, masked, seed):
    uniform = uniform_factory(seed)
    enc = uniform(T, B, H)
    queries = uniform(S, B, Q)
    w_key = uniform(A, H, bound=1.0 / H ** 0.5)
    b_key = uniform(A, bound=1.0 / H ** 0.5)
    w_query = uniform(A, Q, bound=1.0 / Q ** 0.5)
    v = uniform(A, bound=1.0 / A ** 0.5)
    mask = torch.ones(T, B, dtype=torch.float64)
    if masked:
        mask[T - 1, 0] = 0  # padded tail of row 0
        mask[T - 2, 0] = 0
        mask[0, B - 1] = 0  # a padded head, to show nothing depends on the position
    keys = enc @ w_key.T + b_key                                  # [T, B, A], once per sequence
    contexts, weights = [], []
    for s in range(S):
        q = queries[s] @ w_query.T                                # [B, A]
        e = torch.tanh(keys + q.unsqueeze(0)) @ v                 # [T, B]
        e = e.masked_fill(mask == 0, float("-inf"))
        a = torch.softmax(e, dim=0)
        contexts.append((a.unsqueeze(2) * enc).sum(dim=0))       # [B, H]
        weights.append(a)
    contexts = torch.stack(contexts)
    weights = torch.stack(weights)
    dcontexts = f32(torch.rand(S, B, H, generator=torch.Generator().manual_seed(seed + 1), dtype=torch.float64) * 2 - 1)
    (dcontexts * contexts).sum().backward()
    tensors = {"encoder": enc, "queries": queries, "mask": mask, "w_key": w_key, "b_key": b_key, "w_query": w_query, "v": v,
               "contexts": contexts, "weights": weights, "dcontexts": dcontexts}
    for n in ("encoder", "queries", "w_key", "b_key", "w_query", "v"):
        tensors["grad_" + n] = tensors[n].grad
    config = {"T": T, "B": B, "H": H, "Q": Q, "A": A, "S": S, "masked": masked,
              "source": f"torch {torch.__version__}, Bahdanau attention of torch_seq_ae.py (time-major)"}
    write(name, config, ["w_key", "b_key", "w_query", "v"], tensors)


if __name__ == "__main__":
    # H = 20 covers the cpu's 16-wide chunks plus a scalar tail.
    make_gru("gru_1layer", T=5, B=2, F=3, H=20, layers=1, seed=101)
    make_gru("gru_2layer", T=4, B=3, F=4, H=6, layers=2, seed=202)
    make_attention("attention", T=5, B=3, H=6, Q=4, A=5, S=3, masked=False, seed=303)
    make_attention("attention_masked", T=6, B=3, H=17, Q=5, A=7, S=2, masked=True, seed=404)
