#!/usr/bin/env python3
"""Synthetic portfolio of N projects built from the bundled scenarios (docs/portfolio.md).

    scripts/portfolio-generate.py N OUT_DIR [--seed S] [--paths P]

Writes OUT_DIR/portfolio.yaml and one scenario per project, OUT_DIR/projects/pNNNN.yaml, which
`extends` a bundled scenario (cycling through scenarios/*.yaml, with one of its variants one
time in three) and jitters its plain-number inputs and opening cash by +/-15 % (whole numbers
stay whole), and its bridge financing by +/-30 %. Exposures are drawn per project: a loan of 5-40 kEUR, a guarantee of 30-70 % of a
20-150 kEUR bank loan on half the projects, a grant committed on a third. The shocks and the
factor are those of scenarios/portfolios/reseau.yaml: a shared bank rate, and one economic factor on
cost inflation, the public payers' delays and demand. Same arguments => same files.
"""
import argparse
import os
import random
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIOS = os.path.join(ROOT, "scenarios")

HEADER = """amorce: 1
portfolio: {name}
description: Synthetic portfolio of {n} projects (scripts/portfolio-generate.py {n} --seed {seed})
simulation: {{paths: {paths}, seed: {seed}, sampling: lhs}}
pairs: 10
shocks:
  bank_rate:
    normal: {{mean: 0.045, sd: 0.008}}
    label: Taux bancaire, le même pour tous les projets
factor:
  name: conjoncture
  inputs:
    - {{input: cost_inflation, loading: 0.8}}
    - {{input: region_delay, loading: 0.6}}
    - {{input: ademe_delay, loading: 0.6}}
    - {{input: ville_delay, loading: 0.6}}
    - {{input: leader_delay, loading: 0.6}}
    - {{input: fdi_delay, loading: 0.6}}
    - {{input: new_members, loading: -0.5}}
    - {{input: volume, loading: -0.5}}
    - {{input: referrals_per_month, loading: -0.5}}
    - {{input: new_households_per_site, loading: -0.5}}
    - {{input: collections_per_month, loading: -0.5}}
    - {{input: new_coworkers, loading: -0.5}}
projects:
"""


# bridge financing arranged by each kind of project (as in scenarios/portfolios/reseau.yaml)
BRIDGE = {"conciergerie_quartier.yaml": 20000, "epicerie_solidaire.yaml": 5000, "garage_solidaire_aci.yaml": 15000,
          "garage_solidaire_ei.yaml": 50000, "groupement_achat.yaml": 30000, "reemploi_materiaux.yaml": 80000,
          "tiers_lieu_rural.yaml": 20000}


def jitter_value(v, rng):
    f = rng.uniform(0.85, 1.15)
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return max(0, int(round(v * f))) if v > 0 else v
    if isinstance(v, float):
        return round(v * f, 6)
    return v


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of projects (1..10000)")
    ap.add_argument("out", help="output directory (created)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the jitter and of the portfolio")
    ap.add_argument("--paths", type=int, default=10000)
    a = ap.parse_args()
    if not 1 <= a.n <= 10000:
        sys.exit("error: n must be between 1 and 10000")
    rng = random.Random(a.seed)
    bases = sorted(f for f in os.listdir(SCENARIOS) if f.endswith(".yaml"))
    docs = {b: yaml.safe_load(open(os.path.join(SCENARIOS, b), encoding="utf-8")) for b in bases}
    os.makedirs(os.path.join(a.out, "projects"), exist_ok=True)
    lines = [HEADER.format(name=f"Synthétique {a.n}", n=a.n, seed=a.seed, paths=a.paths)]
    for i in range(a.n):
        base = bases[i % len(bases)]
        doc = docs[base]
        variants = list((doc.get("variants") or {}).keys())
        variant = rng.choice(variants) if variants and rng.random() < 1 / 3 else None
        inputs = {k: jitter_value(v, rng) for k, v in (doc.get("inputs") or {}).items()
                  if isinstance(v, (int, float)) and not isinstance(v, bool) and v != 0}
        scen = {"extends": os.path.relpath(os.path.join(SCENARIOS, base), os.path.join(a.out, "projects")),
                "name": f"{doc.get('name', base)} #{i + 1}"}
        if inputs:
            scen["inputs"] = inputs
        cash = (doc.get("financing") or {}).get("opening_cash")
        if isinstance(cash, (int, float)):
            scen["financing"] = {"opening_cash": int(round(cash * rng.uniform(0.85, 1.15)))}
        pname = f"p{i + 1:04d}"
        with open(os.path.join(a.out, "projects", pname + ".yaml"), "w", encoding="utf-8") as f:
            f.write("amorce: 1\n")
            yaml.safe_dump(scen, f, allow_unicode=True, sort_keys=False)
        exp = [f"loan: {rng.randrange(5, 41) * 1000}"]
        if rng.random() < 0.5:
            exp += [f"guaranteed_loan: {rng.randrange(20, 151) * 1000}", f"guarantee_share: {rng.choice([0.3, 0.5, 0.7])}"]
        if rng.random() < 1 / 3:
            exp.append(f"grant: {rng.randrange(5, 31) * 1000}")
        lines.append(f"  - name: {pname}\n    scenario: projects/{pname}.yaml\n")
        if variant:
            lines.append(f"    variant: {variant}\n")
        lines.append(f"    exposure: {{{', '.join(exp)}}}\n    recovery: {rng.choice([0.1, 0.2, 0.3])}\n")
        lines.append(f"    bridge: {int(round(BRIDGE.get(base, 0) * rng.uniform(0.7, 1.3), -2))}\n")
    with open(os.path.join(a.out, "portfolio.yaml"), "w", encoding="utf-8") as f:
        f.write("".join(lines))
    print(os.path.join(a.out, "portfolio.yaml"))


if __name__ == "__main__":
    main()
