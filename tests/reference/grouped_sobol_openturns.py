#!/usr/bin/python3
"""Reference grouped Sobol indices for a correlated model, computed with OpenTURNS.

Used by tests/sensitivity_grouped_test.cpp (numbers stored in grouped_sobol_openturns.json).
Rerun:  /usr/bin/python3 tests/reference/grouped_sobol_openturns.py > tests/reference/grouped_sobol_openturns.json
(python3-openturns from Debian, 1.20).

Model (the scenario of the test, horizon 1, series f):
    f = a + 2 b + a c + 3 d
    a ~ N(4, 2), b ~ N(5, 1), c ~ N(0.5, 0.5), d ~ N(0, 1)
    Spearman rho(a, b) = 0.6, rho(c, d) = -0.4, every other pair independent.
Groups: G1 = {a, b}, G2 = {c, d} (each correlated inside, independent of the other).

amorce imposes Spearman correlations with a Gaussian copula of Pearson r = 2 sin(pi rho / 6);
with normal marginals the input vector is then multivariate normal with that correlation.
OpenTURNS: a polynomial chaos on that distribution (iso-probabilistic transformation to
independent standard normals, block-diagonal because the groups are independent, so the
grouped indices of the transformed variables are those of the groups), degree 2, which
represents f exactly; FunctionalChaosSobolIndices.getSobolGroupedIndex / ...TotalIndex give
the closed first-order and total indices of each group. The analytic values are printed
beside them as a cross-check (derivation below).

    E[f | G1] = (1 + mu_c) a + 2 b + 3 mu_d                       -> V1 = Var((1 + mu_c) a + 2 b)
    E[f | G2] = mu_a + 2 mu_b + mu_a c + 3 d                       -> V2 = Var(mu_a c + 3 d)
    Var(f | G2) = (1 + c)^2 sd_a^2 + 4 sd_b^2 + 4 (1 + c) cov_ab
    V = V2 + E[Var(f | G2)];  S_G = V_G / V;  ST_G1 = 1 - S_G2, ST_G2 = 1 - S_G1 (two groups).
"""
import json
import math

import openturns as ot

mu = [4.0, 5.0, 0.5, 0.0]
sd = [2.0, 1.0, 0.5, 1.0]
rho_ab, rho_cd = 0.6, -0.4
r_ab = 2 * math.sin(math.pi * rho_ab / 6)
r_cd = 2 * math.sin(math.pi * rho_cd / 6)

R = ot.CorrelationMatrix(4)
R[0, 1] = r_ab
R[2, 3] = r_cd
dist = ot.Normal(ot.Point(mu), ot.Point(sd), R)

model = ot.SymbolicFunction(["a", "b", "c", "d"], ["a + 2 * b + a * c + 3 * d"])

ot.RandomGenerator.SetSeed(1)
N = 2000
X = dist.getSample(N)
Y = model(X)
marginals = [ot.HermiteFactory()] * 4
basis = ot.OrthogonalProductPolynomialFactory(marginals, ot.LinearEnumerateFunction(4))
degree = 2
size = basis.getEnumerateFunction().getStrataCumulatedCardinal(degree)
algo = ot.FunctionalChaosAlgorithm(X, Y, dist, ot.FixedStrategy(basis, size), ot.LeastSquaresStrategy())
algo.run()
result = algo.getResult()
si = ot.FunctionalChaosSobolIndices(result)

groups = {"G1": [0, 1], "G2": [2, 3]}
ot_values = {g: {"first_order": si.getSobolGroupedIndex(ix), "total": si.getSobolGroupedTotalIndex(ix)}
             for g, ix in groups.items()}

# analytic cross-check
cov_ab = r_ab * sd[0] * sd[1]
cov_cd = r_cd * sd[2] * sd[3]
V1 = (1 + mu[2]) ** 2 * sd[0] ** 2 + 4 * sd[1] ** 2 + 2 * (1 + mu[2]) * 2 * cov_ab
V2 = mu[0] ** 2 * sd[2] ** 2 + 9 * sd[3] ** 2 + 2 * mu[0] * 3 * cov_cd
EvarG2 = ((1 + mu[2]) ** 2 + sd[2] ** 2) * sd[0] ** 2 + 4 * sd[1] ** 2 + 4 * (1 + mu[2]) * cov_ab
V = V2 + EvarG2
analytic = {"G1": {"first_order": V1 / V, "total": 1 - V2 / V},
            "G2": {"first_order": V2 / V, "total": 1 - V1 / V}}

for g in groups:
    for k in ("first_order", "total"):
        assert abs(ot_values[g][k] - analytic[g][k]) < 1e-6, (g, k, ot_values[g][k], analytic[g][k])

print(json.dumps({
    "source": "tests/reference/grouped_sobol_openturns.py, OpenTURNS " + ot.__version__ +
              ": FunctionalChaosSobolIndices.getSobolGroupedIndex / getSobolGroupedTotalIndex "
              "(degree-2 chaos, exact for this model)",
    "model": "f = a + 2 b + a c + 3 d; a~N(4,2), b~N(5,1), c~N(0.5,0.5), d~N(0,1); "
             "spearman(a,b)=0.6, spearman(c,d)=-0.4",
    "groups": {"G1": ["a", "b"], "G2": ["c", "d"]},
    "openturns": ot_values,
    "analytic": analytic,
    "variance": V,
}, indent=2))
