"""Run one pabutools 1.2.3 rule on one Pabulib file, as in expected.json.

Usage: pabutools_run.py RULE FILE.pb
Prints one JSON line: {"rule", "selected" (ids sorted as str), "seconds"}.

Usage: pabutools_run.py mes_sample FILE.pb RUNS
For an iterated MES rule too slow to run whole (mes_add1 and mes_exh make
RUNS single MES runs, at per-voter budget budget/ballots + i for i = 0 ..
RUNS-1): times three of those single runs (i = 0, (RUNS-1)//2, RUNS-1),
i.e. pabutools' mes_inner_algo, the part its loop repeats at every
increment, and prints one JSON line {"rule", "sample_seconds",
"mean_seconds", "estimate_seconds" = mean x RUNS}. The estimate is an
extrapolation, not a measurement: it leaves out the set-up made once per
call and the stop tests between runs.
"""
import json
import sys
import time

from pabutools.election import (Additive_Borda_Sat, Additive_Cardinal_Sat,
                                Cost_Sat, parse_pabulib)
from pabutools.election.profile import AbstractOrdinalProfile, AbstractCardinalProfile
from pabutools.fractions import frac
from pabutools.rules import (exhaustion_by_budget_increase,
                             greedy_utilitarian_welfare,
                             method_of_equal_shares)

rule, path = sys.argv[1], sys.argv[2]
instance, profile = parse_pabulib(path)
if isinstance(profile, AbstractOrdinalProfile):
    sat, extra = Additive_Borda_Sat, {"is_sat_additive": True}
elif isinstance(profile, AbstractCardinalProfile):
    sat, extra = Additive_Cardinal_Sat, {}
else:
    sat, extra = Cost_Sat, {}

if rule == "mes_sample":
    import pabutools.rules.mes.mes_rule as mes_rule
    from pabutools.election.profile import AbstractApprovalProfile
    from pabutools.rules.budgetallocation import BudgetAllocation
    from pabutools.tiebreaking import lexico_tie_breaking

    # Time only mes_inner_algo, the part pabutools repeats at every
    # increment (the voters' and projects' set-up is done once per call);
    # it calls itself once per round, so only the outermost call is timed.
    inner, spent, depth = mes_rule.mes_inner_algo, [], [0]

    def timed_inner(*args, **kwargs):
        depth[0] += 1
        start = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                spent.append(time.perf_counter() - start)

    mes_rule.mes_inner_algo = timed_inner
    runs = int(sys.argv[3])
    sat_profile = profile.as_sat_profile(sat_class=sat)
    base = frac(instance.budget_limit, profile.num_ballots())
    for i in sorted({0, (runs - 1) // 2, runs - 1}):
        mes_rule.method_of_equal_shares_scheme(
            instance, profile, sat_profile, base + i, BudgetAllocation(),
            lexico_tie_breaking, resoluteness=True,
            binary_sat=isinstance(profile, AbstractApprovalProfile))
    samples = [round(x, 3) for x in spent]
    mean = sum(spent) / len(spent)
    print(json.dumps({"rule": rule, "sample_seconds": samples,
                      "mean_seconds": round(mean, 3),
                      "estimate_seconds": round(mean * runs, 1)}))
    sys.exit(0)

start = time.perf_counter()
if rule == "greedy":
    out = greedy_utilitarian_welfare(instance, profile, sat_class=sat, **extra)
elif rule == "mes":
    out = method_of_equal_shares(instance, profile, sat_class=sat)
elif rule == "mes_add1":
    out = method_of_equal_shares(instance, profile, sat_class=sat, voter_budget_increment=1)
elif rule == "mes_exh":
    out = exhaustion_by_budget_increase(
        instance, profile, method_of_equal_shares, {"sat_class": sat},
        budget_step=frac(profile.num_ballots()))
else:
    sys.exit(f"unknown rule {rule}")
seconds = time.perf_counter() - start
print(json.dumps({"rule": rule, "selected": sorted(str(p.name) for p in out),
                  "seconds": round(seconds, 3)}))
