#!/usr/bin/env python3
"""Compares what the aiwatch daemon reported with nvidia-smi on the same multi-GPU machine (issue #21).

Usage: check_nvlink.py WORKDIR  (the folder device-run-multigpu.sh fills). Checks:
  1. topology: every cell of `nvidia-smi topo -m` (NV18, PIX, SYS, ...) against aiwatch_gpu_pair_info's
     path label for the same ordered pair; must be equal;
  2. active links: `nvidia-smi nvlink -s` lines with a speed against aiwatch_gpu_nvlink_link_active == 1;
  3. counters: per GPU, the delta of DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL (KiB, before -> after the traffic)
     against the delta of `nvidia-smi nvlink -gt d` Tx+Rx KiB summed over links; ratio reported, and
     within 10 % counts as agreeing (the two reads are a few hundred ms apart);
  4. GPM: the highest DCGM_FI_PROF_NVLINK_TX_BYTES / RX_BYTES per GPU during the traffic, GB/s.
Exit 0 when 1 and 2 agree and 3 agrees for every GPU with traffic; 1 otherwise.
"""
import collections
import os
import re
import sys

LINE = re.compile(r'^([A-Za-z_:][A-Za-z0-9_:]*)\{([^}]*)\}\s+(\S+)')
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def samples(path):
    out = []
    if not os.path.exists(path):
        return out
    for line in open(path, errors="replace"):
        m = LINE.match(line)
        if m:
            out.append((m.group(1), dict(LABEL.findall(m.group(2))), float(m.group(3))))
    return out


def topo_matrix(path):
    cells = {}
    header = None
    for line in open(path, errors="replace"):
        parts = line.split()
        if not parts:
            continue
        if header is None and parts[0].startswith("GPU0"):
            header = [p for p in parts if re.fullmatch(r"GPU\d+", p)]
            continue
        if header and re.fullmatch(r"GPU\d+", parts[0]):
            a = int(parts[0][3:])
            for i, h in enumerate(header):
                if i + 1 < len(parts):
                    cells[(a, int(h[3:]))] = parts[i + 1]
    return cells


def smi_counters(path):
    kib = collections.Counter()
    gpu = None
    for line in open(path, errors="replace"):
        m = re.match(r"GPU (\d+):", line)
        if m:
            gpu = int(m.group(1))
            continue
        m = re.search(r"Link \d+: Data (Tx|Rx): (\d+) KiB", line)
        if m and gpu is not None:
            kib[gpu] += int(m.group(2))
    return kib


def main(work):
    ok = True
    after = samples(os.path.join(work, "metrics-after.prom"))
    before = samples(os.path.join(work, "metrics-before.prom"))
    smi = topo_matrix(os.path.join(work, "topo-m.txt"))
    ours = {(int(l["gpu"]), int(l["peer_gpu"])): l["path"] for n, l, v in after if n == "aiwatch_gpu_pair_info"}
    print("1. topology: %d pairs from nvidia-smi topo -m, %d from aiwatch" % (
        sum(1 for (a, b) in smi if a != b), len(ours)))
    for (a, b), cell in sorted(smi.items()):
        if a == b:
            continue
        mine = ours.get((a, b))
        mark = "ok" if mine == cell else "DIFFERS"
        ok &= mine == cell
        print("   GPU%d->GPU%d nvidia-smi %-5s aiwatch %-5s %s" % (a, b, cell, mine, mark))
    status = open(os.path.join(work, "nvlink-status.txt"), errors="replace").read()
    smi_active = len(re.findall(r"Link \d+: [\d.]+ GB/s", status))
    our_active = sum(1 for n, l, v in after if n == "aiwatch_gpu_nvlink_link_active" and v == 1)
    print("2. active links: nvidia-smi %d, aiwatch %d %s" % (
        smi_active, our_active, "ok" if smi_active == our_active else "DIFFERS"))
    ok &= smi_active == our_active
    s0 = smi_counters(os.path.join(work, "nvlink-counters-before.txt"))
    s1 = smi_counters(os.path.join(work, "nvlink-counters-after.txt"))
    a0 = {int(l["gpu"]): v for n, l, v in before if n == "DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL"}
    a1 = {int(l["gpu"]): v for n, l, v in after if n == "DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL"}
    print("3. NVLink data counters over the traffic (KiB): GPU, nvidia-smi delta, aiwatch delta, ratio")
    for g in sorted(set(s1) | set(a1)):
        ds = s1[g] - s0[g]
        da = a1.get(g, float("nan")) - a0.get(g, float("nan"))
        ratio = da / ds if ds > 0 else float("nan")
        agree = ds > 0 and abs(ratio - 1) <= 0.10
        if ds > 0:
            ok &= agree
        print("   GPU%d %14d %16.0f %7.3f %s" % (g, ds, da, ratio, "ok" if agree else ("no traffic" if ds <= 0 else "DIFFERS")))
    peak = collections.defaultdict(float)
    for n, l, v in samples(os.path.join(work, "metrics-during.prom")):
        if n in ("DCGM_FI_PROF_NVLINK_TX_BYTES", "DCGM_FI_PROF_NVLINK_RX_BYTES"):
            key = (int(l["gpu"]), n.rsplit("_", 2)[-2])
            peak[key] = max(peak[key], v)
    print("4. GPM peak during traffic, GB/s (TX / RX):")
    for g in sorted({k[0] for k in peak}):
        print("   GPU%d %.1f / %.1f" % (g, peak[(g, "TX")] / 1e9, peak[(g, "RX")] / 1e9))
    print("RESULT", "agree" if ok else "DISAGREE")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
