"""Run one pabutools 1.2.3 rule on one Pabulib file, as in expected.json.

Usage: pabutools_run.py RULE FILE.pb
Prints one JSON line: {"rule", "selected" (ids sorted as str), "seconds"}.
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
