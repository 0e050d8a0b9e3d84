#!/usr/bin/env python3
"""PyTorch peer of `aiwatch bench p2p`: the same copies between GPUs, so the report can give ratios.

For every ordered pair (src, dst): a device-to-device copy of --bytes (dst.copy_(src), CUDA events on the
destination's stream), the mean of 100 back-to-back 4-byte copies, the same bytes through pinned host
memory (host clock), and every pair copying at once. Medians of --repeats. Writes one JSON object whose
"figures" map uses the keys of the Java report: "bw 0->1" (bytes/s), "lat 0->1" (seconds),
"staged 0->1" (bytes/s), "concurrent" (bytes/s). Only copies; no NVLink multicast is used.
"""
import argparse
import json
import statistics
import time

import torch


def median(xs):
    return statistics.median(xs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--bytes", type=int, default=256 << 20)
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--gpus", default="")
    a = ap.parse_args()
    gpus = [int(g) for g in a.gpus.split(",")] if a.gpus else list(range(torch.cuda.device_count()))
    if len(gpus) < 2:
        raise SystemExit("torch_p2p.py needs at least 2 GPUs, sees %d" % len(gpus))
    n = a.bytes
    src = {g: torch.full((n,), 0x10 + i, dtype=torch.uint8, device="cuda:%d" % g) for i, g in enumerate(gpus)}
    pinned = torch.empty(n, dtype=torch.uint8, pin_memory=True)
    figures = {}
    access = {}
    for i, s in enumerate(gpus):
        for j, d in enumerate(gpus):
            if s == d:
                continue
            key = "%d->%d" % (i, j)
            access[key] = torch.cuda.can_device_access_peer(d, s)
            dst = torch.empty(n, dtype=torch.uint8, device="cuda:%d" % d)
            with torch.cuda.device(d):
                stream = torch.cuda.current_stream()
                for _ in range(2):
                    dst.copy_(src[s], non_blocking=True)
                torch.cuda.synchronize(d)
                bw, lat, staged = [], [], []
                for _ in range(a.repeats):
                    e0 = torch.cuda.Event(enable_timing=True)
                    e1 = torch.cuda.Event(enable_timing=True)
                    e0.record(stream)
                    dst.copy_(src[s], non_blocking=True)
                    e1.record(stream)
                    e1.synchronize()
                    bw.append(n / (e0.elapsed_time(e1) / 1e3))
                ok = bool((dst[:16] == 0x10 + i).all() and (dst[-16:] == 0x10 + i).all())
                small_src = src[s][:4]
                small_dst = dst[:4]
                for _ in range(a.repeats):
                    e0 = torch.cuda.Event(enable_timing=True)
                    e1 = torch.cuda.Event(enable_timing=True)
                    e0.record(stream)
                    for _ in range(100):
                        small_dst.copy_(small_src, non_blocking=True)
                    e1.record(stream)
                    e1.synchronize()
                    lat.append(e0.elapsed_time(e1) / 1e3 / 100)
                for _ in range(a.repeats):
                    t0 = time.perf_counter()
                    pinned.copy_(src[s], non_blocking=True)
                    torch.cuda.synchronize(s)
                    dst.copy_(pinned, non_blocking=True)
                    torch.cuda.synchronize(d)
                    staged.append(n / (time.perf_counter() - t0))
            figures["bw " + key] = median(bw)
            figures["lat " + key] = median(lat)
            figures["staged " + key] = median(staged)
            figures["check " + key] = 1.0 if ok else 0.0
            del dst
    pairs = [(s, d) for s in gpus for d in gpus if s != d]
    dsts = {(s, d): torch.empty(n, dtype=torch.uint8, device="cuda:%d" % d) for s, d in pairs}
    streams = {(s, d): torch.cuda.Stream(device=d) for s, d in pairs}
    totals = []
    for _ in range(a.repeats):
        for g in gpus:
            torch.cuda.synchronize(g)
        t0 = time.perf_counter()
        for p in pairs:
            with torch.cuda.stream(streams[p]):
                dsts[p].copy_(src[p[0]], non_blocking=True)
        for g in gpus:
            torch.cuda.synchronize(g)
        totals.append(len(pairs) * n / (time.perf_counter() - t0))
    figures["concurrent"] = median(totals)
    with open(a.out, "w") as f:
        json.dump({"torch": torch.__version__, "gpus": [torch.cuda.get_device_name(g) for g in gpus],
                   "peer_access": access, "bytes": n, "repeats": a.repeats, "figures": figures}, f, indent=1)


if __name__ == "__main__":
    main()
