#!/usr/bin/python3
"""Reference quantiles for tests/distributions_test.cpp, computed with SciPy.

Run with Debian's interpreter (it has scipy): /usr/bin/python3 tests/reference/distributions_reference.py
and paste the printed rows into kReference in tests/distributions_test.cpp.
Every law is mapped to the SciPy distribution with the same parameterisation as amorce
(see the comment printed with each row).
"""
import math
import numpy as np
import scipy
from scipy import stats

U = [0.001, 0.05, 0.5, 0.95, 0.999]
z95 = stats.norm.ppf(0.95)


def lognormal_from_moments(mean, sd):
    s2 = math.log1p((sd / mean) ** 2)
    return stats.lognorm(s=math.sqrt(s2), scale=math.exp(math.log(mean) - s2 / 2))


def between(p5, p95):
    if p5 > 0 and p95 > 0:
        mu = (math.log(p5) + math.log(p95)) / 2
        s = (math.log(p95) - math.log(p5)) / (2 * z95)
        return stats.lognorm(s=s, scale=math.exp(mu))
    return stats.norm((p5 + p95) / 2, (p95 - p5) / (2 * z95))


def pert(a, m, b, lam=4.0):
    al = 1 + lam * (m - a) / (b - a)
    be = 1 + lam * (b - m) / (b - a)
    return stats.beta(al, be, loc=a, scale=b - a)


def discrete(values, weights):
    order = np.argsort(values, kind="stable")
    v = np.asarray(values, float)[order]
    w = np.asarray(weights, float)[order]
    return stats.rv_discrete(values=(v, w / w.sum()))


# (C++ LawParams initialiser, scipy frozen distribution, scipy call as text)
CASES = [
    ("uniform 2 5", stats.uniform(loc=2, scale=3), "uniform(loc=2, scale=3)"),
    ("triangular 1 3 7", stats.triang(c=2 / 6, loc=1, scale=6), "triang(c=1/3, loc=1, scale=6)"),
    ("pert 10 12 20", pert(10, 12, 20), "beta(1.8, 4.2, loc=10, scale=10)"),
    ("pert 10 12 20 lambda 2", pert(10, 12, 20, 2.0), "beta(1.4, 2.6, loc=10, scale=10)"),
    ("normal 100 15", stats.norm(100, 15), "norm(100, 15)"),
    ("normal 100 15 [90,150]", stats.truncnorm((90 - 100) / 15, (150 - 100) / 15, loc=100, scale=15),
     "truncnorm(-2/3, 10/3, loc=100, scale=15)"),
    ("normal 0 1 [5,inf)", stats.truncnorm(5, np.inf), "truncnorm(5, inf)"),
    ("normal 0 1 (-inf,-6]", stats.truncnorm(-np.inf, -6), "truncnorm(-inf, -6)"),
    ("lognormal 100 30", lognormal_from_moments(100, 30), "lognorm(s=sqrt(log1p(0.09)), scale=exp(log(100)-log1p(0.09)/2))"),
    ("between 10 50", between(10, 50), "lognorm(s=log(5)/(2 z95), scale=sqrt(500))"),
    ("between -10 50", between(-10, 50), "norm(20, 60/(2 z95))"),
    ("beta 2 5", stats.beta(2, 5), "beta(2, 5)"),
    ("beta 0.5 0.5 [10,20]", stats.beta(0.5, 0.5, loc=10, scale=10), "beta(0.5, 0.5, loc=10, scale=10)"),
    ("gamma 2 3", stats.gamma(2, scale=3), "gamma(2, scale=3)"),
    ("gamma 0.3 3", stats.gamma(0.3, scale=3), "gamma(0.3, scale=3)"),
    ("poisson 4.5", stats.poisson(4.5), "poisson(4.5)"),
    ("poisson 1000", stats.poisson(1000), "poisson(1000)"),
    ("binomial 20 0.3", stats.binom(20, 0.3), "binom(20, 0.3)"),
    ("bernoulli 0.75", stats.bernoulli(0.75), "bernoulli(0.75)"),
    ("discrete [5,1,3] w [1,2,1]", discrete([5, 1, 3], [1, 2, 1]), "rv_discrete(values=([1,3,5],[.5,.25,.25]))"),
    ("empirical [4,1,9,2,7]", discrete([4, 1, 9, 2, 7], [1] * 5), "rv_discrete(values=([1,2,4,7,9],[.2]*5))"),
]

print(f"// scipy {scipy.__version__}, u = {U}")
for name, dist, call in CASES:
    q = ", ".join(repr(float(dist.ppf(u))) for u in U)
    print(f"    // stats.{call}.ppf(u)")
    print(f'    {{"{name}", {{{q}}}}},')
