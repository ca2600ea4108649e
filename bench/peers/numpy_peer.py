#!/usr/bin/python3
"""Natural-alternative peer: bench/scenarios/peer.yaml as a competent analyst would write it
in numpy, vectorised over paths (one Python loop over the 60 months, every operation an
array operation over all the paths of a chunk). Same laws, timing rules and outputs as
amorce and bench/peers/garage_kernel.cpp.

Usage: numpy_peer.py [--paths N] [--seed S] [--chunk C]
Prints one JSON object: paths, seconds (simulation and statistics, import excluded),
p_shortfall, se, median_min_cash, median_se, mean_min_cash.
"""
import argparse
import json
import math
import time

import numpy as np

H = 60


def pert(rng, lo, mode, hi, n, lam=4.0):
    a = 1 + lam * (mode - lo) / (hi - lo)
    b = 1 + lam * (hi - mode) / (hi - lo)
    return lo + (hi - lo) * rng.beta(a, b, n)


def simulate(rng, n):
    """Minimum monthly cash of n paths."""
    referrals = pert(rng, 10, 16, 25, n)
    churn = rng.triangular(0.03, 0.05, 0.08, n)
    hpc = pert(rng, 0.4, 0.6, 0.8, n)
    hourly_rate = pert(rng, 26, 30, 35, n)
    parts_per_hour = rng.triangular(9, 12, 16, n)
    parts_markup = rng.uniform(0.05, 0.15, n)
    smic = rng.triangular(1840, 1870, 1910, n)
    employer_rate = rng.uniform(0.04, 0.12, n)
    metropole = pert(rng, 45000, 55000, 62000, n)
    s2 = math.log1p((200 / 900) ** 2)
    energy = rng.lognormal(math.log(900) - s2 / 2, math.sqrt(s2), n)
    inflation = rng.normal(0.025, 0.01, n)
    start_up = rng.random(n) < 0.8
    workshop = rng.random(n) < 0.85

    years = np.arange(5)
    g2 = 1.02 ** years                       # (5,)
    g15 = 1.015 ** years
    gi = (1 + inflation)[None, :] ** years[:, None]   # (5, n)

    cf = np.zeros((H + 1, n))
    cf[0] += 40000 - 60000
    cf[0] += np.where(workshop, 0.3 * 30000, 0.0)
    cf[7] += np.where(workshop, 0.7 * 30000, 0.0)
    cf[3] += np.where(start_up, 0.5 * 20000, 0.0)
    cf[16] += np.where(start_up, 0.5 * 20000, 0.0)
    for y in range(5):
        cf[12 * y + 3] += 0.7 * metropole
        if 12 * y + 15 < H:
            cf[12 * y + 15] += 0.3 * metropole
    # bank loan: 30 000 at month 1, 4.2 %, 60 months, 6 months deferral, linear
    principal_0, r, term, deferral = 30000.0, 0.042 / 12, 60, 6
    cf[1] += principal_0
    bal = principal_0
    for k in range(1, term + 1):
        if 1 + k >= H:
            break
        interest = bal * r
        principal = (bal if k == term else principal_0 / (term - deferral)) if k > deferral else 0.0
        bal -= principal
        cf[1 + k] -= interest + principal

    customers = np.zeros(n)
    for m in range(H):
        y = m // 12
        ramp6 = min(1.0, (m + 1) / 6)
        ramp3 = min(1.0, (m + 1) / 3)
        customers = customers * (1 - churn) + referrals * ramp6
        fte = 6 * ramp3
        capacity = fte * 151.67 * 0.17
        noise = rng.normal(1.0, 0.15, n)
        billed = np.minimum(customers * hpc * noise, capacity)
        labour = billed * hourly_rate * g2[y]
        parts = billed * parts_per_hour * gi[y]
        parts_sales = parts * (1 + parts_markup)
        fixed_costs = 1500 * g2[y] + energy * gi[y] + 1800 * gi[y]
        cddi_wages = fte * smic * g2[y]
        wages = cddi_wages + 2450 * g2[y]
        charges = cddi_wages * employer_rate + 2450 * g2[y] * 0.32
        job_aid = 23000 / 12 * fte * g15[y]
        cf[m + 1] += labour - parts - charges + job_aid    # paid the month after
        cf[m] += parts_sales - fixed_costs - wages
    cash = 45000 + np.cumsum(cf[:H], axis=0)
    return cash.min(axis=0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--paths", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--chunk", type=int, default=100000)
    a = ap.parse_args()
    t0 = time.perf_counter()
    rng = np.random.default_rng(a.seed)
    parts = []
    for first in range(0, a.paths, a.chunk):
        parts.append(simulate(rng, min(a.chunk, a.paths - first)))
    min_cash = np.concatenate(parts)
    n = len(min_cash)
    p = float(np.mean(min_cash < 0))
    median = float(np.median(min_cash))
    # standard error of the median: quantiles at 0.5 -/+ one standard error of the ECDF
    d = math.sqrt(0.25 / n)
    lo, hi = np.quantile(min_cash, [0.5 - d, 0.5 + d])
    seconds = time.perf_counter() - t0
    print(json.dumps({"peer": "numpy", "paths": n, "threads": 1, "seconds": round(seconds, 6),
                      "p_shortfall": p, "se": math.sqrt(p * (1 - p) / n), "median_min_cash": median,
                      "median_se": float(hi - lo) / 2, "mean_min_cash": float(min_cash.mean())}))


if __name__ == "__main__":
    main()
