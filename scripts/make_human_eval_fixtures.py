#!/usr/bin/env python3
# Fixture for Tests/HumanEvalTests: the sign test's two-sided exact p-values from scipy.stats.binomtest
# and Fleiss' kappa from statsmodels.stats.inter_rater.fleiss_kappa, on hand-picked and random cases.
# Regenerate (Python from PyPI; nothing at run time needs it):
#   python3 -m venv .venv-fixtures && .venv-fixtures/bin/pip install scipy statsmodels
#   .venv-fixtures/bin/python scripts/make_human_eval_fixtures.py   # → Tests/HumanEvalTests/Fixtures/statistics.json
import json
import math
import os
import random

import numpy as np
import scipy
import statsmodels
from scipy.stats import binomtest
from statsmodels.stats.inter_rater import fleiss_kappa

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "HumanEvalTests", "Fixtures", "statistics.json")


def sign_cases():
    cases = [(0, 0), (1, 0), (0, 1), (3, 3), (5, 0), (6, 1), (10, 2), (12, 20), (30, 14), (45, 27), (50, 50),
             (61, 39), (100, 70), (250, 210), (900, 1000)]
    rng = random.Random(16)
    cases += [(rng.randint(0, 80), rng.randint(0, 80)) for _ in range(25)]
    out = []
    for wins, losses in cases:
        n = wins + losses
        p = 1.0 if n == 0 else binomtest(wins, n, 0.5, alternative="two-sided").pvalue
        out.append({"wins": wins, "losses": losses, "p": float(p)})
    return out


def kappa_cases():
    rng = np.random.default_rng(16)
    tables = [
        # Fleiss (1971)-style small table: 10 items, 5 raters, 4 categories.
        [[5, 0, 0, 0], [4, 1, 0, 0], [3, 1, 1, 0], [5, 0, 0, 0], [0, 5, 0, 0],
         [2, 2, 1, 0], [4, 0, 0, 1], [1, 1, 1, 2], [5, 0, 0, 0], [3, 0, 2, 0]],
        # Perfect agreement over two categories.
        [[3, 0, 0, 0], [0, 3, 0, 0], [3, 0, 0, 0], [0, 3, 0, 0]],
        # Systematic disagreement.
        [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1], [1, 0, 1, 0]],
    ]
    for items, raters in [(100, 3), (40, 5), (25, 2)]:
        probabilities = rng.dirichlet([6, 1.2, 0.6, 0.4])
        tables.append([rng.multinomial(raters, probabilities).tolist() for _ in range(items)])
    return [{"counts": t, "kappa": float(fleiss_kappa(np.array(t), method="fleiss"))} for t in tables]


def main():
    fixture = {
        "generator": f"scipy {scipy.__version__}, statsmodels {statsmodels.__version__}",
        "sign_test": sign_cases(),
        "fleiss_kappa": kappa_cases(),
    }
    assert all(not math.isnan(c["kappa"]) for c in fixture["fleiss_kappa"])
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}: {len(fixture['sign_test'])} sign tests, {len(fixture['fleiss_kappa'])} kappa tables")


if __name__ == "__main__":
    main()
