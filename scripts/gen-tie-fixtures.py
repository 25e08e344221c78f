#!/usr/bin/env python3
"""Generate small random Pabulib elections that exercise tie-breaking, and the
outcomes pabutools 1.2.3 computes for them, into tests/data/ties/.

Usage (pabutools pinned, in a virtual environment):
    python3 -m venv venv && venv/bin/pip install pabutools==1.2.3
    venv/bin/python scripts/gen-tie-fixtures.py [OUT_DIR]

Each election has 20 voters and 12 projects whose costs are multiples of 100
drawn from a few values, so scores and loads tie often. Every rule is run twice:
with pabutools' default lexico_tie_breaking (smallest project id first, compared
as Python strings) and with the reverse order; `tie_sensitive` records whether
the selected set changed. The committed .pb files and expected.json are what
the Rust test reads: it never needs Python.
"""
import json
import os
import random
import sys
from fractions import Fraction

from pabutools.election import (
    Additive_Borda_Sat,
    Additive_Cardinal_Sat,
    Cost_Sat,
    parse_pabulib,
)
from pabutools.election.satisfaction import AdditiveSatisfaction
from pabutools.rules import (
    exhaustion_by_budget_increase,
    greedy_utilitarian_welfare,
    max_additive_utilitarian_welfare,
    method_of_equal_shares,
    sequential_phragmen,
)
from pabutools.fractions import frac
from pabutools.tiebreaking import TieBreakingRule, lexico_tie_breaking

SEED = 20240601
COUNT = 48
VOTERS = 20
PROJECTS = 12


class Reversed:
    """A sort key that reverses string order."""

    def __init__(self, name):
        self.name = name

    def __lt__(self, other):
        return self.name > other.name

    def __eq__(self, other):
        return self.name == other.name


reverse_tie_breaking = TieBreakingRule(lambda inst, prof, proj: Reversed(proj.name))


def points_times_cost(instance, profile, ballot, project, precomputed):
    return frac(ballot.get(project, 0)) * project.cost


class Points_Cost_Sat(AdditiveSatisfaction):
    """Satisfaction points × cost: greedy by it ranks projects by total points."""

    def __init__(self, instance, profile, ballot):
        AdditiveSatisfaction.__init__(self, instance, profile, ballot, points_times_cost)


def make_election(rng, index):
    vote_type = ["approval", "cumulative", "ordinal"][index % 3]
    numeric_ids = index % 2 == 0
    ids = [str(i + 1) if numeric_ids else f"p{i + 1}" for i in range(PROJECTS)]
    cost_values = rng.choice([[100, 200], [100, 200, 300], [200, 300, 500], [100, 300, 500, 800]])
    costs = [rng.choice(cost_values) for _ in ids]
    # In every other election the first three pairs of projects are twins: the
    # same cost and the same supporters (with the same points), an exact tie for
    # every rule, which makes MES and Phragmen outcomes depend on tie-breaking.
    twins = {}
    if index % 2 == 1 and vote_type != "ordinal":
        for i in range(0, 6, 2):
            costs[i + 1] = costs[i]
            twins[ids[i]] = ids[i + 1]
    budget = max(100, round(sum(costs) * rng.uniform(0.25, 0.6) / 100) * 100)
    # A few popular projects and many similar ones make equal scores likely.
    weights = [rng.choice([1, 1, 2, 3]) for _ in ids]
    for i in range(1, 6, 2):
        if index % 2 == 1:
            weights[i] = 0.001  # twins are chosen through their partner
    ballots = []
    for v in range(VOTERS):
        if vote_type == "approval":
            k = rng.randint(1, 4)
        elif vote_type == "cumulative":
            k = rng.randint(1, 3)
        else:
            k = rng.randint(2, 4)
        chosen = []
        while len(chosen) < k:
            p = rng.choices(ids, weights=weights)[0]
            if p not in chosen:
                chosen.append(p)
        points = None
        if vote_type == "cumulative":
            points = [1] * k
            for _ in range(5 - k):
                points[rng.randrange(k)] += 1
        for p in list(chosen):
            if p in twins and twins[p] not in chosen:
                chosen.append(twins[p])
                if points is not None:
                    points.append(points[chosen.index(p)])
        ballots.append((f"v{v + 1}", chosen, points))
    lines = ["META", "key;value", f"description;tie-breaking fixture {index}", "country;Nowhere",
             "unit;Fixture", f"instance;{index}", f"num_projects;{PROJECTS}", f"num_votes;{VOTERS}",
             f"budget;{budget}", f"vote_type;{vote_type}", "rule;greedy"]
    if vote_type == "cumulative":
        lines.append("max_sum_points;10")
    lines += ["PROJECTS", "project_id;cost;name"]
    lines += [f"{p};{c};Project {p}" for p, c in zip(ids, costs)]
    lines += ["VOTES", "voter_id;vote" + (";points" if vote_type == "cumulative" else "")]
    for voter, chosen, points in ballots:
        row = f"{voter};{','.join(chosen)}"
        if points is not None:
            row += ";" + ",".join(map(str, points))
        lines.append(row)
    return vote_type, "\n".join(lines) + "\n"


def sat_class_of(vote_type):
    return {"approval": Cost_Sat, "cumulative": Additive_Cardinal_Sat, "ordinal": Additive_Borda_Sat}[vote_type]


def rule_runs(vote_type, instance, profile):
    """Rule name -> function(tie_breaking) -> BudgetAllocation."""
    S = sat_class_of(vote_type)
    additive = {"is_sat_additive": True} if vote_type == "ordinal" else {}
    runs = {
        "greedy": lambda tie: greedy_utilitarian_welfare(instance, profile, sat_class=S, tie_breaking=tie, **additive),
        "mes": lambda tie: method_of_equal_shares(instance, profile, sat_class=S, tie_breaking=tie),
        "mes_add1": lambda tie: method_of_equal_shares(
            instance, profile, sat_class=S, tie_breaking=tie, voter_budget_increment=1),
        "mes_add1_greedy": lambda tie: greedy_utilitarian_welfare(
            instance, profile, sat_class=S, tie_breaking=tie, **additive,
            initial_budget_allocation=method_of_equal_shares(
                instance, profile, sat_class=S, tie_breaking=tie, voter_budget_increment=1)),
        "mes_exh": lambda tie: exhaustion_by_budget_increase(
            instance, profile, method_of_equal_shares, {"sat_class": S, "tie_breaking": tie},
            budget_step=frac(profile.num_ballots())),
    }
    if vote_type == "approval":
        runs["phragmen"] = lambda tie: sequential_phragmen(instance, profile, tie_breaking=tie)
    if vote_type == "cumulative":
        runs["greedy_score"] = lambda tie: greedy_utilitarian_welfare(
            instance, profile, sat_class=Points_Cost_Sat, is_sat_additive=True, tie_breaking=tie)
    return runs


def exact(value):
    value = Fraction(int(value.numerator), int(value.denominator))
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def outcome(vote_type, instance, profile, projects):
    sat_profile = profile.as_sat_profile(sat_class_of(vote_type))
    return {
        "selected": sorted(p.name for p in projects),
        "selection_order": [p.name for p in projects],
        "total_cost": exact(sum((p.cost for p in projects), frac(0))),
        "welfare": exact(sum((sat_profile.total_satisfaction_project(p) for p in projects), frac(0))),
    }


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "tests", "data", "ties")
    os.makedirs(out_dir, exist_ok=True)
    rng = random.Random(SEED)
    files = {}
    sensitive_files = 0
    for index in range(COUNT):
        vote_type, text = make_election(rng, index)
        name = f"tie_{index:02d}_{vote_type}.pb"
        path = os.path.join(out_dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        instance, profile = parse_pabulib(path)
        rules = {}
        for rule, run in rule_runs(vote_type, instance, profile).items():
            result = outcome(vote_type, instance, profile, run(lexico_tie_breaking))
            reversed_result = outcome(vote_type, instance, profile, run(reverse_tie_breaking))
            result["selected_reversed"] = reversed_result["selected"]
            result["tie_sensitive"] = result["selected"] != reversed_result["selected"]
            rules[rule] = result
        if vote_type != "ordinal":
            S = sat_class_of(vote_type)
            rules["max_welfare"] = outcome(vote_type, instance, profile,
                                           max_additive_utilitarian_welfare(instance, profile, sat_class=S))
        sensitive = sorted(r for r, o in rules.items() if o.get("tie_sensitive"))
        sensitive_files += bool(sensitive)
        files[name] = {"vote_type": vote_type, "tie_sensitive_rules": sensitive, "rules": rules}
        print(f"{name}: tie-sensitive rules {sensitive}", file=sys.stderr)
    doc = {
        "description": "Small random elections for tie-breaking, with pabutools 1.2.3 outcomes (scripts/gen-tie-fixtures.py).",
        "pabutools_version": "1.2.3",
        "seed": SEED,
        "tie_breaking": "lexico_tie_breaking (smallest project id as a Python string); selected_reversed: the reverse order",
        "rule_calls": "as in tests/data/pabulib/README.md, with tie_breaking passed to every rule; max_welfare has no tie-breaking (compare welfare)",
        "tie_sensitive_files": sensitive_files,
        "files": files,
    }
    with open(os.path.join(out_dir, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{sensitive_files} of {COUNT} elections are tie-sensitive for at least one rule", file=sys.stderr)


if __name__ == "__main__":
    main()
