#!/usr/bin/env python3
"""PyTorch doing what aiwatch's JCuda kernels do, on the same GPU in the same call.

Run by `aiwatch bench gpu --torch` (the jar extracts this file); prints one JSON object to --out.
Figures: d2d copy (bytes read + written per second), FP32 FMA throughput (an FP32 matrix product
with TF32 off: PyTorch has no FMA-loop primitive, and SGEMM is FMA-bound), bf16 matmul (A @ B.T),
host<->device copies from pinned and pageable memory, and decode steps of the same model shapes
(F.linear + scaled_dot_product_attention, captured in a CUDA graph, fixed context).
"""
import argparse, json, math, sys, time

import torch
import torch.nn.functional as F

SHAPES = {  # hidden, layers, heads, kv_heads, head_dim, ffn, vocab
    "1B": (2048, 16, 32, 8, 64, 8192, 128256),
    "8B": (4096, 32, 32, 8, 128, 14336, 128256),
    "14B": (5120, 48, 40, 8, 128, 13824, 152064),
    "32B": (5120, 64, 40, 8, 128, 27648, 152064),
}


def timed(fn, warmup, reps):
    s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    for _ in range(warmup):
        fn()
    t = []
    for _ in range(reps):
        s.record(); fn(); e.record(); e.synchronize()
        t.append(s.elapsed_time(e) / 1e3)
    t.sort()
    return t


def median(t):
    n = len(t)
    return t[n // 2] if n % 2 else (t[n // 2 - 1] + t[n // 2]) / 2


def micro(a):
    out = {}
    n = a.copy_bytes // 2
    src = torch.empty(n, dtype=torch.bfloat16, device="cuda").uniform_(-1, 1)
    dst = torch.empty_like(src)
    t = timed(lambda: dst.copy_(src), 2, a.reps)
    assert torch.equal(src, dst)
    out["d2d_copy"] = {"value": 2 * a.copy_bytes / median(t), "unit": "B/s", "median_s": median(t)}
    del src, dst

    torch.backends.cuda.matmul.allow_tf32 = False
    x = torch.randn(a.fma_n, a.fma_n, device="cuda")
    y = torch.randn(a.fma_n, a.fma_n, device="cuda")
    t = timed(lambda: torch.mm(x, y), 2, a.reps)
    out["fp32_fma"] = {"value": 2 * a.fma_n ** 3 / median(t), "unit": "FLOP/s", "median_s": median(t),
                       "op": "torch.mm float32, allow_tf32=False"}
    del x, y

    n = a.matmul_n
    A = torch.empty(n, n, dtype=torch.bfloat16, device="cuda").uniform_(-1, 1)
    B = torch.empty(n, n, dtype=torch.bfloat16, device="cuda").uniform_(-1, 1)
    t = timed(lambda: torch.matmul(A, B.T), 2, a.reps)
    out["bf16_matmul"] = {"value": 2 * n ** 3 / median(t), "unit": "FLOP/s", "median_s": median(t),
                          "op": "torch.matmul(A, B.T) bfloat16"}
    del A, B

    nb = a.host_bytes
    dev = torch.empty(nb, dtype=torch.uint8, device="cuda")
    for kind, host in (("pinned", torch.randint(0, 255, (nb,), dtype=torch.uint8).pin_memory()),
                       ("pageable", torch.randint(0, 255, (nb,), dtype=torch.uint8))):
        back = torch.empty_like(host).pin_memory() if kind == "pinned" else torch.empty_like(host)
        nb_ = kind == "pinned"
        t = timed(lambda: dev.copy_(host, non_blocking=nb_), 1, a.reps)
        out["h2d_" + kind] = {"value": nb / median(t), "unit": "B/s", "median_s": median(t)}
        t = timed(lambda: back.copy_(dev, non_blocking=nb_), 1, a.reps)
        torch.cuda.synchronize()
        assert torch.equal(host, back)
        out["d2h_" + kind] = {"value": nb / median(t), "unit": "B/s", "median_s": median(t)}
    del dev
    torch.cuda.empty_cache()
    return out


def decode(model, batch, ctx, steps):
    d, L, h, kvh, hd, ffn, vocab = SHAPES[model]
    qkv_n = (h + 2 * kvh) * hd

    def w(n, k):
        s = math.sqrt(3.0 / k)
        return torch.empty(n, k, dtype=torch.bfloat16, device="cuda").uniform_(-s, s)

    free, _ = torch.cuda.mem_get_info()
    need = 2 * (L * (qkv_n * d + d * h * hd + 3 * ffn * d) + vocab * d) + 2 * 2 * L * batch * kvh * ctx * hd
    if need > free - (1 << 30):
        return {"model": model, "batch": batch, "context": ctx, "status": "does-not-fit",
                "detail": "needs %.1f GiB, %.1f GiB free" % (need / 2**30, free / 2**30)}
    layers = [(w(qkv_n, d), w(d, h * hd), w(2 * ffn, d), w(d, ffn)) for _ in range(L)]
    kc = [torch.empty(batch, kvh, ctx, hd, dtype=torch.bfloat16, device="cuda").uniform_(-1, 1) for _ in range(L)]
    vc = [torch.empty(batch, kvh, ctx, hd, dtype=torch.bfloat16, device="cuda").uniform_(-1, 1) for _ in range(L)]
    lm = w(vocab, d)
    x0 = torch.empty(batch, d, dtype=torch.bfloat16, device="cuda").uniform_(-1, 1)

    def step():
        x = x0
        for (wqkv, wo, wgu, wd), K, V in zip(layers, kc, vc):
            qkv = F.linear(x, wqkv)
            q = qkv[:, : h * hd].reshape(batch, h, 1, hd)
            att = F.scaled_dot_product_attention(q, K, V, enable_gqa=True)
            x = F.linear(att.reshape(batch, h * hd), wo)
            g, u = F.linear(x, wgu).chunk(2, dim=-1)
            x = F.linear(F.silu(g) * u, wd)
        return F.linear(x, lm)

    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        for _ in range(2):
            step()
    torch.cuda.current_stream().wait_stream(s)
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        step()
    t = timed(g.replay, 3, steps)
    mean = sum(t) / len(t)
    res = {"model": model, "batch": batch, "context": ctx, "status": "ok", "steps": steps,
           "tokens_per_s": batch / mean, "step_p50_s": t[len(t) // 2],
           "step_p99_s": t[min(len(t) - 1, math.ceil(0.99 * len(t)) - 1)], "step_mean_s": mean}
    del layers, kc, vc, lm, g
    torch.cuda.empty_cache()
    return res


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--copy-bytes", type=int, default=1 << 30)
    p.add_argument("--host-bytes", type=int, default=256 << 20)
    p.add_argument("--matmul-n", type=int, default=8192)
    p.add_argument("--fma-n", type=int, default=8192)
    p.add_argument("--reps", type=int, default=10)
    p.add_argument("--decode", default="", help="MODEL:BATCH:CONTEXT,...")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--no-micro", action="store_true")
    a = p.parse_args()
    res = {"torch": torch.__version__, "cuda": torch.version.cuda, "device": torch.cuda.get_device_name(0)}
    if not a.no_micro:
        res["micro"] = micro(a)
    res["decode"] = []
    for spec in filter(None, a.decode.split(",")):
        model, batch, ctx = spec.split(":")
        try:
            res["decode"].append(decode(model, int(batch), int(ctx), a.steps))
        except torch.OutOfMemoryError as e:
            torch.cuda.empty_cache()
            res["decode"].append({"model": model, "batch": int(batch), "context": int(ctx),
                                  "status": "does-not-fit", "detail": str(e).splitlines()[0]})
        print("torch decode", res["decode"][-1], file=sys.stderr, flush=True)
    with open(a.out, "w") as f:
        json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
