#!/usr/bin/python3
"""Independent vectorised numpy implementation of scenarios/epicerie_solidaire.yaml.

Usage: /usr/bin/python3 tests/reference/simple_numpy.py N SEED
Prints JSON: horizon, paths, seed, p_shortfall, min_cash_p10/p50/p90 (numpy's default
linear = type 7 quantiles, like the engine) and p_negative_by_month (P(cash(m) < 0)).

Written from the spec (docs: /work/shared/spec/scenario-format.md), not from the engine:
the draws are numpy's own (PCG64), so the C++ test compares the two within Monte Carlo
error only. The scenario's numbers are repeated below: keep them in step with the YAML.
"""
import json
import sys

import numpy as np

H = 36                      # horizon (months), start 2027-01, fiscal year = calendar year
OPENING_CASH = 12_000.0

# inputs
PRICE = (18.0, 22.0, 30.0)  # triangular [min, mode, max]
VOLUME = (700.0, 150.0)     # normal {mean, sd}, not truncated

# costs
PURCHASES_SHARE = 0.35      # of sales, paid in the month
RENT = 1_500.0

# staff: (fte, gross_monthly, employer_rate, from); wages paid in the month, employer
# charges the month after (a charge due at month H stays a payable)
STAFF = [(1.0, 2_400.0, 0.42, 0), (1.5, 1_850.0, 0.30, 6)]

# yearly grant of 36 000 per fiscal year, months 0..35: 50 % at start + 2, 50 % at end + 6
GRANT = 36_000.0
GRANT_PAYMENTS = [(0.5, "start", 2), (0.5, "end", 6)]

# investment: 30 000 paid at month 0 (depreciation has no cash effect)
INVESTMENT = (30_000.0, 0)

# loan: principal 25 000 drawn at month 0, 3.6 % a year, term 48 months including
# 6 months of deferral (interest only), annuity
LOAN = dict(principal=25_000.0, month=0, rate=0.036, term=48, deferral=6)


def ramp(m, start, n):
    return np.clip((m - start + 1) / n, 0.0, 1.0)


def loan_cash_out(principal, month, rate, term, deferral):
    """Interest + principal paid each month (a deterministic schedule)."""
    out = np.zeros(H)
    r = rate / 12
    nrep = term - deferral
    annuity = principal * r / (1 - (1 + r) ** -nrep) if r > 0 else principal / nrep
    balance = principal
    for k in range(1, term + 1):
        interest = balance * r
        repay = 0.0
        if k > deferral:
            repay = balance if k == term else annuity - interest
        balance -= repay
        if month + k < H:
            out[month + k] += interest + repay
    return out


def simulate(n, seed):
    rng = np.random.default_rng(seed)
    price = rng.triangular(*PRICE, size=n)
    volume = rng.normal(*VOLUME, size=n)
    months = np.arange(H)

    # per path x month cash flows
    sales = np.outer(volume * price, ramp(months, 0, 12))        # n x H, paid in the month
    flows = sales * (1 - PURCHASES_SHARE) - RENT

    fixed = np.zeros(H)
    for fte, gross, employer, start in STAFF:
        active = (months >= start).astype(float)
        wages = fte * gross * active
        fixed -= wages
        fixed[1:] -= (wages * employer)[:-1]                      # charges the month after
    for year in range(H // 12):
        start, end = 12 * year, 12 * year + 12
        for share, base, offset in GRANT_PAYMENTS:
            at = (start if base == "start" else end) + offset
            if at < H:
                fixed[at] += share * GRANT
    amount, when = INVESTMENT
    fixed[when] -= amount
    fixed[LOAN["month"]] += LOAN["principal"]
    fixed -= loan_cash_out(**LOAN)

    cash = OPENING_CASH + np.cumsum(flows + fixed, axis=1)
    min_cash = cash.min(axis=1)
    q10, q50, q90 = np.quantile(min_cash, [0.10, 0.50, 0.90])
    return {
        "horizon": H,
        "paths": n,
        "seed": seed,
        "p_shortfall": float((min_cash < 0).mean()),
        "min_cash_p10": float(q10),
        "min_cash_p50": float(q50),
        "min_cash_p90": float(q90),
        "p_negative_by_month": [float(p) for p in (cash < 0).mean(axis=0)],
    }


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 2024
    print(json.dumps(simulate(n, seed)))


if __name__ == "__main__":
    main()
