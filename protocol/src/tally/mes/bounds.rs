//! Interval proofs (see `interval.rs`) in machine integers: instead of the
//! exact budgets of "MES forced to buy `W`", a lower and an upper bound of
//! each, on a fixed-point grid of `1 / (d0 × 2^shift)` currency units.
//!
//! Why: the exact evaluations carry a common denominator that grows by up
//! to the number of voters at every purchase, so on large elections each
//! budget is a multi-word integer rescaled every round, and the proofs cost
//! far more than the MES runs they save (Budapest 2024: 97% of the time).
//! A proof only needs inequalities that hold with room to spare, so bounds
//! in `u128` prove the same intervals at a fraction of the cost.
//!
//! Soundness: the forced evaluation is monotone in every budget. A winner's
//! price (the unique `u` with `Σ min(budget, u × sat) = cost`) does not
//! rise when a budget rises, and what a supporter keeps, `max(0, budget − u
//! × sat)`, does not fall when its budget rises or the price falls. So the
//! price computed exactly from the lower budgets and rounded up bounds the
//! true price from above, the one from the upper budgets rounded down bounds
//! it from below, and charging the lower budgets the upper price (and the
//! upper budgets the lower price) keeps both bounds, round after round.
//! Every check then uses upper bounds only: what a project's supporters
//! could pay, computed from upper budgets and an upper price, below its
//! cost means it cannot beat or tie the winner. A bound too loose to prove
//! something only makes a proof fail (the caller then runs MES instead);
//! it can never make a false proof pass. Every product is range-checked:
//! the grid is chosen so that they fit, and a value that would not fit makes
//! the proof fail.

use super::core::Prepared;
use super::interval::remaining_at_start;
use num_traits::ToPrimitive;
use std::cell::OnceCell;

mod order;
pub(crate) use order::Order;

/// Products stay below `2^LIMIT_BITS`, leaving headroom in `u128`.
const LIMIT_BITS: u32 = 126;

/// Finest grid used: `2^-40` of the smallest exact unit is far below any
/// margin a proof can use.
const MAX_SHIFT: u32 = 40;

/// Supporters whose budget is within `1 / NEAR` above their due at the
/// equal price are the only ones [`Bounds::price`] looks at again. Narrower
/// bands (measured: 1/4) make the price leave the band, and the pricing
/// start over, more often than they save passes on Budapest 2024.
const NEAR: u128 = 1;

/// Coarsest grid worth using; with less precision proofs would mostly fail.
const MIN_SHIFT: u32 = 12;

fn bits(x: u128) -> u32 {
    128 - x.leading_zeros()
}

/// One supporter of a project, packed for the passes of [`Bounds`]: 12
/// bytes read in order instead of a 32-byte `(group, sat)` pair and a
/// scattered weight lookup; the passes are bound by memory traffic
/// (Budapest 2024: most of `mes_add1`'s time).
#[derive(Debug, Clone, Copy)]
struct Sup {
    group: u32,
    sat: u32,
    weight: u32,
}

/// A supporter kept aside by [`Bounds::price`]'s first pass: its budget
/// on one side, satisfaction and weight.
#[derive(Debug, Clone, Copy)]
struct Near {
    budget: u128,
    sat: u32,
    weight: u32,
}

impl Near {
    fn new(budget: u128, sp: &Sup) -> Near {
        Near {
            budget,
            sat: sp.sat,
            weight: sp.weight,
        }
    }
}

/// The fixed-point grid of one election.
#[derive(Debug, Clone)]
pub(crate) struct Grid {
    /// Per project `p`, its supporters: `sups[sup_starts[p]..sup_starts[p + 1]]`.
    sup_starts: Vec<usize>,
    sups: Vec<Sup>,
    /// Fractional bits below the exact unit `1 / d0` (read by the tests
    /// that turn bounds back into money).
    #[cfg_attr(not(test), allow(dead_code))]
    shift: u32,
    /// Project costs on the grid.
    cost: Vec<u128>,
    /// Project costs in units of `1 / d0` (for ratio conversions).
    cost_units: Vec<u128>,
    /// `budget / ballots` on the grid.
    base: u128,
    /// One currency unit on the grid.
    one: u128,
    /// Number of voters.
    voters: u128,
    /// Per group, its projects: `projects[starts[g]..starts[g + 1]]` (one
    /// flat array: paying walks every supporter's projects).
    starts: Vec<usize>,
    projects: Vec<u32>,
    /// Per project `w`, computed when first needed: per project `q`, the
    /// satisfaction units (× weight) of the voters supporting both. When
    /// `w` is paid for, every supporter who can pay its due pays exactly
    /// `price × sat`, so `q`'s total drops by `price × co[w][q]` minus a
    /// correction for the few who pay less: one product per project instead
    /// of one update per (supporter, project) pair.
    co: Vec<OnceCell<Vec<u128>>>,
}

impl Grid {
    fn co_row(&self, prep: &Prepared, w: usize) -> &[u128] {
        self.co[w].get_or_init(|| {
            let mut row = vec![0u128; prep.cost.len()];
            for &(g, s) in &prep.supporters[w] {
                let units = prep.weight[g as usize] * s;
                for &q in self.group_projects(g as usize) {
                    row[q as usize] += units;
                }
            }
            row
        })
    }

    fn sups(&self, p: usize) -> &[Sup] {
        &self.sups[self.sup_starts[p]..self.sup_starts[p + 1]]
    }

    fn group_projects(&self, g: usize) -> &[u32] {
        &self.projects[self.starts[g]..self.starts[g + 1]]
    }
}

impl Grid {
    /// The grid for `prep`, or `None` when costs or satisfactions are too
    /// large for a useful precision (the exact proofs are used instead).
    pub(crate) fn new(prep: &Prepared) -> Option<Grid> {
        let cost_units: Vec<u128> = prep
            .cost_scaled
            .iter()
            .map(|c| c.to_u128())
            .collect::<Option<_>>()?;
        let max_cost = cost_units.iter().copied().max().unwrap_or(0).max(1);
        let max_sat = prep
            .supporters
            .iter()
            .flatten()
            .map(|&(_, s)| s)
            .max()
            .unwrap_or(1);
        // A price on the grid is at most a cost on the grid; it is
        // multiplied by a cost in units (ratio conversion) and by a
        // satisfaction (a supporter's due).
        let room = LIMIT_BITS
            .checked_sub(bits(max_cost) + bits(max_cost).max(bits(max_sat)))?
            .min(MAX_SHIFT);
        if room < MIN_SHIFT {
            return None;
        }
        let shift = room;
        // Satisfactions and weights in 32 bits (always so for approval,
        // Borda and realistic points; else the exact proofs are used).
        let mut sup_starts = Vec::with_capacity(prep.supporters.len() + 1);
        let mut sups = Vec::new();
        sup_starts.push(0);
        for list in &prep.supporters {
            for &(g, s) in list {
                sups.push(Sup {
                    group: g,
                    sat: u32::try_from(s).ok()?,
                    weight: u32::try_from(prep.weight[g as usize]).ok()?,
                });
            }
            sup_starts.push(sups.len());
        }
        let mut starts = Vec::with_capacity(prep.group_projects.len() + 1);
        let mut projects = Vec::new();
        starts.push(0);
        for ps in &prep.group_projects {
            projects.extend_from_slice(ps);
            starts.push(projects.len());
        }
        let cost = cost_units
            .iter()
            .map(|&c| c.checked_shl(shift))
            .collect::<Option<Vec<_>>>()?;
        Some(Grid {
            sup_starts,
            sups,
            shift,
            cost,
            cost_units,
            base: prep.base_scaled.to_u128()?.checked_shl(shift)?,
            one: prep.d0.to_u128()?.checked_shl(shift)?,
            voters: prep.weight.iter().sum(),
            starts,
            projects,
            co: (0..prep.cost.len()).map(|_| OnceCell::new()).collect(),
        })
    }

    /// Every voter's budget at step `k`, if all sums of budgets fit.
    fn start(&self, k: u128) -> Option<u128> {
        let start = self.one.checked_mul(k)?.checked_add(self.base)?;
        let total = start.checked_mul(self.voters.max(1))?;
        (bits(total) <= LIMIT_BITS).then_some(start)
    }
}

/// Per round, bounds on each winner's price per satisfaction unit at step
/// `k` as money, when the bounds can price every winner.
#[cfg(test)]
pub(crate) fn prices_at(
    prep: &Prepared,
    grid: &Grid,
    k: u128,
    winners: &[usize],
) -> Option<Vec<(num_rational::BigRational, num_rational::BigRational)>> {
    let unit = num_bigint::BigInt::from(prep.d0.clone()) << grid.shift;
    let money = |v: u128| num_rational::BigRational::new(v.into(), unit.clone());
    let order = Order::new(grid, winners);
    let mut f = Bounds::at(prep, grid, &order, k)?;
    let mut out = Vec::new();
    for &w in winners {
        let p = f.price(w)?;
        out.push((money(p.lo), money(p.hi)));
        f.pay(w, p)?;
    }
    Some(out)
}

/// Per round, the upper bounds on the winners' prices and the rich units
/// from the lower budgets at step `k`: what [`certify`] takes for an
/// interval starting at `k`.
#[cfg(test)]
pub(crate) fn ends_at(
    prep: &Prepared,
    grid: &Grid,
    k: u128,
    winners: &[usize],
) -> Option<Certified> {
    let order = Order::new(grid, winners);
    let mut f = Bounds::at(prep, grid, &order, k)?;
    let (mut prices, mut rich_lower) = (Vec::new(), Vec::new());
    for &w in winners {
        let p = f.price(w)?;
        prices.push(p.hi);
        rich_lower.push(p.rich_units[0]);
        f.pay(w, p)?;
    }
    Some(Certified {
        prices,
        rich_lower,
        headroom: u128::MAX,
    })
}

impl PriceBounds {
    /// The upper bound.
    pub(super) fn upper(&self) -> u128 {
        self.hi
    }
}

/// Bounds on a winner's price per satisfaction unit, on the grid.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PriceBounds {
    lo: u128,
    hi: u128,
    /// Nobody pays all they have, at either bound: the price is the equal
    /// price `cost / units`, whatever the budgets above these.
    equal: bool,
    /// Satisfaction units of the supporters paying the full price, from
    /// the lower budgets and from the upper ones: the first counts every
    /// supporter the true evaluation could find poor, the second only
    /// those it surely finds poor (see [`Chord`]).
    rich_units: [u128; 2],
}

/// Lower and upper bounds on the budgets of one forced evaluation.
pub(crate) struct Bounds<'a> {
    prep: &'a Prepared,
    grid: &'a Grid,
    /// The winners this evaluation buys.
    order: &'a Order,
    /// Per group, its lower and upper budget.
    b: Vec<[u128; 2]>,
    /// Per project, weight × upper budget summed over its supporters.
    tot_hi: Vec<u128>,
    /// Scratch: per supporter of the project priced, pays everything.
    poor: Vec<bool>,
    /// Scratch: per side (lower, upper budgets), supporters that may still
    /// turn out to pay everything, with their budget on that side: the
    /// later passes then read one list in order instead of looking each
    /// budget up again (Budapest 2024: a tenth of `mes_add1`'s time went to
    /// those lookups).
    near: [Vec<Near>; 2],
}

impl<'a> Bounds<'a> {
    /// The budgets at step `k` (exact: the grid holds them), or `None` if
    /// they are too large for the grid.
    pub(crate) fn at(
        prep: &'a Prepared,
        grid: &'a Grid,
        order: &'a Order,
        k: u128,
    ) -> Option<Bounds<'a>> {
        let start = grid.start(k)?;
        Some(Bounds {
            prep,
            grid,
            order,
            b: vec![[start; 2]; prep.weight.len()],
            tot_hi: prep.supporter_weight.iter().map(|&n| start * n).collect(),
            poor: Vec::new(),
            near: [Vec::new(), Vec::new()],
        })
    }

    /// `p`'s cost on the grid.
    pub(super) fn cost(&self, p: usize) -> u128 {
        self.grid.cost[p]
    }

    /// `p`'s supporters as (group, satisfaction, weight).
    pub(super) fn supporters(&self, p: usize) -> impl Iterator<Item = (usize, u128, u128)> + '_ {
        self.grid
            .sups(p)
            .iter()
            .map(|sp| (sp.group as usize, u128::from(sp.sat), u128::from(sp.weight)))
    }

    /// The upper bound on group `g`'s budget.
    pub(super) fn upper_budget(&self, g: usize) -> u128 {
        self.b[g][1]
    }

    /// Bounds on `w`'s price, or `None` if the lower budgets cannot pay
    /// for it (then nothing is proved): the exact price the lower budgets
    /// pay, rounded up, and the one the upper budgets pay, rounded down.
    ///
    /// Each is the poor/rich fixed point of `run.rs`'s `unit_price`. One
    /// pass over every supporter (for both bounds at once) at the equal
    /// price; later passes, as the price rises, only over the supporters
    /// that were rich at that price with a budget below `1 + 1 / NEAR`
    /// times their due (kept aside in the first pass), which is exact while
    /// the price stays below about that much times the equal price; past that, [`Bounds::exact_price_full`]
    /// starts over.
    pub(crate) fn price(&mut self, w: usize) -> Option<PriceBounds> {
        let prep = self.prep;
        let sup = self.grid.sups(w);
        let cost = self.grid.cost[w];
        let denom0 = prep.total_sat[w];
        if denom0 == 0 {
            return None;
        }
        let mut paid = [0u128; 2];
        let mut denom = [denom0; 2];
        {
            let Bounds { b, near, .. } = self;
            let [near_lo, near_hi] = near;
            near_lo.clear();
            near_hi.clear();
            // The grid keeps cost × sat in range.
            let mut thr: (u128, u128, u128) = (0, 0, 0);
            for sp in sup {
                let s = u128::from(sp.sat);
                if thr.0 != s {
                    let t = (cost * s).div_ceil(denom0);
                    thr = (s, t, t.saturating_add(t.div_ceil(NEAR)));
                }
                let [lo, hi] = b[sp.group as usize];
                let wt = u128::from(sp.weight);
                if lo < thr.1 {
                    paid[0] += lo * wt;
                    denom[0] -= wt * s;
                } else if lo < thr.2 {
                    near_lo.push(Near::new(lo, sp));
                }
                if hi < thr.1 {
                    paid[1] += hi * wt;
                    denom[1] -= wt * s;
                } else if hi < thr.2 {
                    near_hi.push(Near::new(hi, sp));
                }
            }
        }
        let (rest, d_lo) = self.settle(w, 0, paid[0], denom[0])?;
        let hi = rest.div_ceil(d_lo);
        let (rest, d_hi) = self.settle(w, 1, paid[1], denom[1])?;
        Some(PriceBounds {
            lo: rest / d_hi,
            hi,
            equal: d_lo == denom0 && d_hi == denom0,
            rich_units: [d_lo, d_hi],
        })
    }

    /// The passes after the first of [`Bounds::price`] for the lower
    /// (`side` 0) or upper (1) budgets: the exact price `rest / denom`.
    fn settle(
        &mut self,
        w: usize,
        side: usize,
        mut paid: u128,
        mut denom: u128,
    ) -> Option<(u128, u128)> {
        let prep = self.prep;
        let cost = self.grid.cost[w];
        let denom0 = prep.total_sat[w];
        loop {
            if denom == 0 || paid >= cost {
                return None;
            }
            let rest = cost - paid;
            // rest / denom <= (1 + 1 / NEAR) × cost / denom0 keeps every
            // threshold ceil(rest × s / denom) at most t + ceil(t / NEAR),
            // t = ceil(cost × s / denom0) its first value: supporters not
            // kept aside have at least that and stay rich.
            let within = match (
                rest.checked_mul(denom0 * NEAR),
                cost.checked_mul((NEAR + 1) * denom),
            ) {
                (Some(a), Some(b)) => a <= b,
                _ => false,
            };
            if !within {
                return self.exact_price_full(w, side == 1);
            }
            let mut newly_paid: u128 = 0;
            let mut newly_units: u128 = 0;
            let mut thr: (u128, u128) = (0, 0);
            // Few leave per pass: each leaver is swapped with the last
            // entry rather than every later entry moved up (the sums do not
            // depend on the order).
            let near = &mut self.near[side];
            let mut i = 0;
            while let Some(n) = near.get(i) {
                let s = u128::from(n.sat);
                if thr.0 != s {
                    thr = (s, (rest * s).div_ceil(denom));
                }
                if n.budget < thr.1 {
                    let wt = u128::from(n.weight);
                    newly_paid += n.budget * wt;
                    newly_units += wt * s;
                    near.swap_remove(i);
                } else {
                    i += 1;
                }
            }
            if newly_units == 0 {
                return Some((rest, denom));
            }
            paid += newly_paid;
            denom -= newly_units;
        }
    }

    /// [`Bounds::price`] for one side with every pass over every supporter.
    fn exact_price_full(&mut self, w: usize, upper: bool) -> Option<(u128, u128)> {
        let prep = self.prep;
        let side = usize::from(upper);
        let sup = &prep.supporters[w];
        let cost = self.grid.cost[w];
        self.poor.clear();
        self.poor.resize(sup.len(), false);
        let mut paid: u128 = 0;
        let mut denom = prep.total_sat[w];
        loop {
            if denom == 0 || paid >= cost {
                return None;
            }
            let rest = cost - paid;
            // b × denom < rest × s  <=>  b < ceil(rest × s / denom).
            let mut thr: (u128, u128) = (1, rest.div_ceil(denom));
            let mut newly_paid: u128 = 0;
            let mut newly_units: u128 = 0;
            for (i, &(g, s)) in sup.iter().enumerate() {
                if self.poor[i] {
                    continue;
                }
                if thr.0 != s {
                    thr = (s, rest.checked_mul(s)?.div_ceil(denom));
                }
                let b = self.b[g as usize][side];
                if b < thr.1 {
                    self.poor[i] = true;
                    let wt = prep.weight[g as usize];
                    newly_paid += b * wt;
                    newly_units += wt * s;
                }
            }
            if newly_units == 0 {
                return Some((rest, denom));
            }
            paid += newly_paid;
            denom -= newly_units;
        }
    }

    /// Charges `w`'s supporters: lower budgets the upper price, upper
    /// budgets the lower price. Returns whether everyone could pay their
    /// due in full at both bounds.
    ///
    /// `tot_hi` is kept only for the projects still remaining after this
    /// round (see [`Order`]); the others' entries go stale.
    pub(crate) fn pay(&mut self, w: usize, price: PriceBounds) -> Option<bool> {
        let mut in_full = true;
        let prep = self.prep;
        let grid = self.grid;
        let order = self.order;
        let round = order.round[w];
        if round == u32::MAX {
            // Not one of the winners: nothing to prove with.
            return None;
        }
        // (sat, due at the upper price, due at the lower price)
        let mut due: (u128, u128, u128) = (0, 0, 0);
        for sp in grid.sups(w) {
            let (g, s) = (sp.group as usize, u128::from(sp.sat));
            if due.0 != s {
                due = (s, price.hi.checked_mul(s)?, price.lo.checked_mul(s)?);
            }
            let (_, due_hi, due_lo) = due;
            let [lo, old] = self.b[g];
            self.b[g][0] = lo.saturating_sub(due_hi);
            in_full &= lo >= due_hi;
            if old < due_lo {
                // Pays `old`, not `due_lo`: give the difference back to
                // each of its open projects before the per-project charge
                // below.
                self.b[g][1] = 0;
                // (Unlike budgets, a due times a weight is not bounded by
                // the grid: checked.)
                let back = (due_lo - old).checked_mul(u128::from(sp.weight))?;
                order.give_back(grid, &mut self.tot_hi, g, round, back)?;
            } else {
                self.b[g][1] = old - due_lo;
            }
        }
        let co = grid.co_row(prep, w);
        for (q, (t, &units)) in self.tot_hi.iter_mut().zip(co).enumerate() {
            if units > 0 && order.is_open(q, round) {
                *t -= price.lo.checked_mul(units)?;
            }
        }
        Some(in_full)
    }

    /// An upper bound on the unit price `p` would be charged at a ratio
    /// equal to `w`'s, given an upper bound `w_hi` on `w`'s unit price.
    /// With `Cost_Sat` ratios are per unit of cost: `p` pays `w`'s price ×
    /// `cost_p / cost_w`.
    pub(super) fn unit_for(&self, p: usize, w: usize, w_hi: u128) -> Option<u128> {
        if !self.prep.cost_sat {
            return Some(w_hi);
        }
        let g = self.grid;
        Some(
            w_hi.checked_mul(g.cost_units[p])?
                .div_ceil(g.cost_units[w].max(1)),
        )
    }

    /// An upper bound on what `p`'s supporters can pay at unit price
    /// `unit` (from the upper budgets), stopping early once it reaches
    /// `p`'s cost; and the same sum over the lower budgets when asked.
    fn reach(&self, p: usize, unit: u128) -> Option<u128> {
        let cost = self.grid.cost[p];
        let mut sum: u128 = 0;
        let mut due: (u128, u128) = (1, unit);
        for sp in self.grid.sups(p) {
            let s = u128::from(sp.sat);
            if due.0 != s {
                due = (s, unit.checked_mul(s)?);
            }
            let b = self.b[sp.group as usize][1];
            sum += u128::from(sp.weight) * b.min(due.1);
            if sum >= cost {
                return None;
            }
        }
        Some(sum)
    }

    /// By how much (grid money) what `p`'s supporters could pay at the
    /// ratio of a winner `w` whose unit price is at most `w_hi`, with these
    /// budgets, stays below `p`'s cost: `None` if `p` may beat or tie `w`,
    /// `u128::MAX` if even everyone paying the full price falls short.
    fn shortfall(&self, p: usize, w: usize, w_hi: u128) -> Option<u128> {
        let cost = self.grid.cost[p];
        if self.tot_hi[p] < cost {
            return Some(cost - self.tot_hi[p]);
        }
        let unit = self.unit_for(p, w, w_hi)?;
        match unit.checked_mul(self.prep.total_sat[p]) {
            Some(full) if full < cost => return Some(u128::MAX),
            _ => {}
        }
        self.reach(p, unit).map(|reach| cost - reach)
    }
}

/// How many more steps of budget growth a shortfall of `p` (grid money)
/// would likely survive: each step adds one currency unit to every
/// supporter's budget, and what they can pay grows by at most that much in
/// the rounds whose state is a shifted copy (more elsewhere, when falling
/// prices leave supporters more). Only a guess for the next proof's stride:
/// proofs decide, never this.
/// After the last round: `None` if a project still remaining could be
/// afforded by its supporters' upper budgets `tot_hi` (the run would buy
/// more), else `headroom` lowered to the steps every such project stays
/// out of reach.
fn still_unaffordable(
    prep: &Prepared,
    grid: &Grid,
    remaining: &[bool],
    tot_hi: &[u128],
    mut headroom: u128,
) -> Option<u128> {
    for p in (0..remaining.len()).filter(|&p| remaining[p]) {
        let (tot, cost) = (tot_hi[p], grid.cost[p]);
        if tot >= cost {
            return None;
        }
        headroom = headroom.min(steps_within(prep, grid, p, cost - tot));
    }
    Some(headroom)
}

fn steps_within(prep: &Prepared, grid: &Grid, p: usize, shortfall: u128) -> u128 {
    let per_step = prep.supporter_weight[p].saturating_mul(grid.one).max(1);
    shortfall / per_step
}

/// A successful [`certify`]: the per-round upper price bounds at its high
/// end, and how many steps past it a proof from there will likely reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Certified {
    /// Per round, the upper bound on the winner's price at the high end.
    pub(crate) prices: Vec<u128>,
    /// Per round, the rich units from the lower budgets at the high end
    /// ([`PriceBounds`]): a proof starting there skips the chord bound
    /// (`chord.rs`) in rounds where they differ from its own high end's.
    pub(crate) rich_lower: Vec<u128>,
    /// The smallest [`steps_within`] over every pair the proof checked.
    pub(crate) headroom: u128,
}

/// A shortcut for one (round, project) pair, set up at the start `s` of a
/// stretch: what `p`'s supporters can pay at the winner's ratio at `t ≥ s`
/// is at most what they could pay at `s` plus how much their budgets grew
/// since (see `interval.rs`), so `tot_hi(t) < limit = cost − reach_hi(s) +
/// tot_lo(s)` proves the pair.
struct Limit {
    project: usize,
    limit: u128,
}

/// Per round, the pairs to check at `t ≥ s` (the others cannot compete:
/// even every supporter paying the winner's ratio at `s` in full falls
/// short).
pub(crate) struct FastBaseline {
    rounds: Vec<Vec<Limit>>,
    prefix: Prefix,
}

#[cfg(test)]
impl FastBaseline {
    /// Per round, each listed pair's project and limit, and the number of
    /// leading rounds shared by every step (for comparisons in tests).
    pub(crate) fn summary(&self) -> (Vec<Vec<(usize, u128)>>, usize) {
        let rounds = self
            .rounds
            .iter()
            .map(|ls| ls.iter().map(|l| (l.project, l.limit)).collect())
            .collect();
        (rounds, self.prefix.prices.len())
    }
}

/// The leading rounds in which, at `s`, every supporter of the winner pays
/// its due in full at the equal price, at both bounds. With more initial
/// money (`t ≥ s`) budgets are larger (the bounds are monotone like the
/// forced evaluation), so the same holds: these rounds charge exactly the
/// same dues at `t`, and their state at `t` is their state at `s` with
/// every budget raised by `start(t) − start(s)`. An evaluation starts after
/// them (the biggest projects, bought first, have the most supporters).
struct Prefix {
    /// Every voter's budget at `s`.
    start: u128,
    /// The upper price bound of each of these rounds' winners.
    prices: Vec<u128>,
    /// Per round, each project's `tot_hi` at `s` before the round.
    round_tot: Vec<Vec<u128>>,
    /// Budgets and `tot_hi` at `s` after these rounds.
    budgets: Vec<[u128; 2]>,
    tot_hi: Vec<u128>,
}

impl Prefix {
    /// The evaluation at step `t ≥ s` after these rounds, and the upper
    /// price bounds of their winners, if every pair of theirs that `base`
    /// lists passes its shortcut check at `t` (else the caller evaluates
    /// from the start).
    fn resume<'a>(
        &self,
        prep: &'a Prepared,
        grid: &'a Grid,
        order: &'a Order,
        base: &FastBaseline,
        t: u128,
    ) -> Option<(Bounds<'a>, Vec<u128>, u128)> {
        let raise = grid.start(t)?.checked_sub(self.start)?;
        let mut headroom = u128::MAX;
        for (round, tot) in self.round_tot.iter().enumerate() {
            for l in base.rounds.get(round)? {
                let n = prep.supporter_weight[l.project];
                let at_t = tot[l.project] + n * raise;
                if at_t >= l.limit {
                    return None;
                }
                headroom = headroom.min(steps_within(prep, grid, l.project, l.limit - at_t));
            }
        }
        let b = self
            .budgets
            .iter()
            .map(|&[lo, hi]| [lo + raise, hi + raise])
            .collect();
        let tot_hi = self
            .tot_hi
            .iter()
            .zip(&prep.supporter_weight)
            .map(|(&t, &n)| t + n * raise)
            .collect();
        let bounds = Bounds {
            prep,
            grid,
            order,
            b,
            tot_hi,
            poor: Vec::new(),
            near: [Vec::new(), Vec::new()],
        };
        Some((bounds, self.prices.clone(), headroom))
    }
}

/// The shortcuts of every pair set up at `k0`, or `None` if the bounds
/// cannot price some winner there.
pub(crate) fn baseline(
    prep: &Prepared,
    grid: &Grid,
    k0: u128,
    order: &Order,
) -> Option<FastBaseline> {
    set_up(prep, grid, k0, order, false)?.1
}

/// A stretch's first proof, [`certify`] over the one step `k − 1` to `k`,
/// and on success the shortcuts of [`baseline`] set up at `k`, from one
/// evaluation at `k` (both need the same one: Budapest 2024 made it twice
/// for almost every stretch). `None` if the proof fails; the shortcuts are
/// `None` when [`baseline`] would be.
pub(crate) fn first_step(
    prep: &Prepared,
    grid: &Grid,
    k: u128,
    order: &Order,
) -> Option<(Certified, Option<FastBaseline>)> {
    let (proved, base) = set_up(prep, grid, k, order, true)?;
    Some((proved?, base))
}

/// [`baseline`] at `k0`, and with `step` also [`first_step`]'s proof (the
/// checks of [`certify`] for one step: each pair's shortfall at `k0`'s own
/// prices, then the last check that nothing else is affordable): `None`
/// if that proof fails, else the proof and the shortcuts if they could be
/// set up.
fn set_up(
    prep: &Prepared,
    grid: &Grid,
    k0: u128,
    order: &Order,
    step: bool,
) -> Option<(Option<Certified>, Option<FastBaseline>)> {
    let winners = &order.winners[..];
    let mut f = Bounds::at(prep, grid, order, k0)?;
    let mut remaining = remaining_at_start(prep);
    let mut rounds = Vec::with_capacity(winners.len());
    let mut prefix = Prefix {
        start: grid.start(k0)?,
        prices: Vec::new(),
        round_tot: Vec::new(),
        budgets: Vec::new(),
        tot_hi: Vec::new(),
    };
    let mut in_prefix = true;
    // Whether the shortcuts can still be set up (a product out of range
    // rules them out, as it would make `baseline` fail).
    let mut base_ok = true;
    let (mut prices, mut rich_lower) = (Vec::new(), Vec::new());
    let mut headroom = u128::MAX;
    let mut note = |p: usize, shortfall: u128| {
        headroom = headroom.min(steps_within(prep, grid, p, shortfall));
    };
    for &w in winners {
        remaining[w] = false;
        let price = f.price(w)?;
        in_prefix &= price.equal;
        if in_prefix {
            prefix.round_tot.push(f.tot_hi.clone());
            prefix.prices.push(price.hi);
        }
        let mut limits = Vec::new();
        for p in (0..remaining.len()).filter(|&p| remaining[p]) {
            let cost = grid.cost[p];
            // The one-step proof's first test ([`Bounds::shortfall`]):
            // everything the supporters have falls short.
            let below = (f.tot_hi[p] < cost).then(|| cost - f.tot_hi[p]);
            // Out of range: no shortcuts; the proof holds only by `below`.
            let out_of_range = |base_ok: &mut bool| {
                *base_ok = false;
                below
            };
            let Some(unit) = f.unit_for(p, w, price.hi) else {
                let short = out_of_range(&mut base_ok);
                if step {
                    note(p, short?);
                }
                continue;
            };
            if unit
                .checked_mul(prep.total_sat[p])
                .is_some_and(|full| full < cost)
            {
                if step {
                    note(p, below.unwrap_or(u128::MAX));
                }
                continue;
            }
            // reach_hi(s) and tot_lo(s) in one pass; a pair that cannot be
            // shown below cost here gets limit 0: always checked in full
            // (then `tot_lo` is not needed and the pass stops).
            let mut reach: u128 = 0;
            let mut tot_lo: u128 = 0;
            let mut due: (u128, u128) = (0, 0);
            let mut in_range = true;
            for sp in grid.sups(p) {
                let s = u128::from(sp.sat);
                if due.0 != s {
                    match unit.checked_mul(s) {
                        Some(d) => due = (s, d),
                        None => {
                            in_range = false;
                            break;
                        }
                    }
                }
                let wt = u128::from(sp.weight);
                let [lo, hi] = f.b[sp.group as usize];
                reach += wt * hi.min(due.1);
                tot_lo += wt * lo;
                if step && reach >= cost {
                    break;
                }
            }
            if !in_range {
                let short = out_of_range(&mut base_ok);
                if step {
                    note(p, short?);
                }
                continue;
            }
            let limit = if reach < cost {
                cost - reach + tot_lo
            } else {
                0
            };
            if step {
                // The reach test ([`Bounds::reach`] sums the same terms).
                note(p, below.or((reach < cost).then(|| cost - reach))?);
            }
            limits.push(Limit { project: p, limit });
        }
        rounds.push(limits);
        prices.push(price.hi);
        rich_lower.push(price.rich_units[0]);
        let in_full = f.pay(w, price)?;
        if in_prefix && !in_full {
            // Not a prefix round after all.
            prefix.round_tot.pop();
            prefix.prices.pop();
            in_prefix = false;
        }
        if in_prefix {
            prefix.budgets.clone_from(&f.b);
            prefix.tot_hi.clone_from(&f.tot_hi);
        }
    }
    let proved = if step {
        let headroom = still_unaffordable(prep, grid, &remaining, &f.tot_hi, headroom)?;
        Some(Certified {
            prices,
            rich_lower,
            headroom,
        })
    } else {
        None
    };
    Some((proved, base_ok.then_some(FastBaseline { rounds, prefix })))
}

/// The low end of a proof's interval for the chord bound (`chord.rs`):
/// evaluated only once the endpoint bound fails some pair, then brought up
/// to each round that needs it.
enum LowEnd<'a> {
    /// Not evaluated yet.
    Pending,
    /// Evaluated: `priced` holds the price bounds of round `next - 1`,
    /// whose winner is not paid for yet.
    Active {
        bounds: Box<Bounds<'a>>,
        next: usize,
        priced: Option<PriceBounds>,
    },
    /// The winners' poor supporters differ between the ends in some round
    /// (or the low end could not be priced): no chord bound from here on.
    Off,
}

/// What [`LowEnd::at_round`] needs to know about the proof.
struct Interval<'p, 'h> {
    prep: &'p Prepared,
    grid: &'p Grid,
    base: Option<&'p FastBaseline>,
    lo: u128,
    order: &'p Order,
    /// Per round so far, the high end's rich units from its upper budgets.
    hi_rich: &'h [u128],
}

impl<'a> LowEnd<'a> {
    /// The low end's budgets before round `r` and its price bounds in that
    /// round, if the poor supporters agree with the high end's in every
    /// round up to `r` (rounds are asked for in increasing order).
    fn at_round(&mut self, iv: &Interval<'a, '_>, r: usize) -> Option<(&Bounds<'a>, &PriceBounds)> {
        if matches!(self, LowEnd::Pending) {
            // Resumed after the shared leading rounds when they end before
            // `r` (their poor sets are empty at every step from the
            // baseline's start on, see `Prefix`).
            let resumed = iv
                .base
                .filter(|b| !b.prefix.prices.is_empty())
                .and_then(|b| b.prefix.resume(iv.prep, iv.grid, iv.order, b, iv.lo))
                .filter(|(_, done, _)| done.len() <= r);
            *self = match resumed {
                Some((bounds, done, _)) => LowEnd::Active {
                    bounds: Box::new(bounds),
                    next: done.len(),
                    priced: None,
                },
                None => match Bounds::at(iv.prep, iv.grid, iv.order, iv.lo) {
                    Some(bounds) => LowEnd::Active {
                        bounds: Box::new(bounds),
                        next: 0,
                        priced: None,
                    },
                    None => LowEnd::Off,
                },
            };
        }
        let LowEnd::Active {
            bounds,
            next,
            priced,
        } = self
        else {
            return None;
        };
        loop {
            if let Some(price) = priced.take() {
                if *next == r + 1 {
                    *priced = Some(price);
                    break;
                }
                if bounds.pay(iv.order.winners[*next - 1], price).is_none() {
                    *self = LowEnd::Off;
                    return None;
                }
            }
            let same_poor = match bounds.price(iv.order.winners[*next]) {
                Some(price) if iv.hi_rich.get(*next) == Some(&price.rich_units[0]) => {
                    *priced = Some(price);
                    true
                }
                _ => false,
            };
            if !same_poor {
                *self = LowEnd::Off;
                return None;
            }
            *next += 1;
        }
        match self {
            LowEnd::Active {
                bounds,
                priced: Some(price),
                ..
            } => Some((bounds, price)),
            _ => None,
        }
    }
}

/// [`super::interval::certify`] with bounds: whether every run from step
/// `lo` to step `hi` (`lo < hi`) provably buys exactly `winners`, given
/// that run `lo` does. Each pair is checked with the endpoint bound
/// (budgets at `hi`, the winner's price at `lo`), and where that fails with
/// the chord bound of `chord.rs`. `low` holds `lo` and, per round, the
/// upper bound on the winner's price at `lo` that an earlier successful
/// call returned; `None` means one step (`hi = lo + 1`), where only run
/// `hi` needs checking, at its own prices. On success returns the same
/// per-round bounds at `hi`, for the next interval starting there, and a
/// guess of how far a next proof can reach.
pub(crate) fn certify(
    prep: &Prepared,
    grid: &Grid,
    base: Option<&FastBaseline>,
    low: Option<(u128, &Certified)>,
    hi: u128,
    order: &Order,
) -> Option<Certified> {
    let winners = &order.winners[..];
    let mut remaining = remaining_at_start(prep);
    let resumed = base
        .filter(|b| !b.prefix.prices.is_empty())
        .and_then(|b| b.prefix.resume(prep, grid, order, b, hi));
    let (mut high, mut prices, mut headroom) = match resumed {
        Some(r) => r,
        None => (
            Bounds::at(prep, grid, order, hi)?,
            Vec::with_capacity(winners.len()),
            u128::MAX,
        ),
    };
    let mut note = |p: usize, shortfall: u128| {
        headroom = headroom.min(steps_within(prep, grid, p, shortfall));
    };
    // Resumed leading rounds have no poor supporters at either end.
    let mut hi_rich: Vec<u128> = winners[..prices.len().min(winners.len())]
        .iter()
        .map(|&w| prep.total_sat[w])
        .collect();
    let mut rich_lower = hi_rich.clone();
    let mut low_end = LowEnd::Pending;
    // Whether the poor supporters of every round so far may be the same at
    // both ends, judged from the low end's earlier evaluation; evaluating
    // the low end again is worth it only then.
    let mut may_be_affine = low.is_some_and(|(_, at)| at.rich_lower.starts_with(&hi_rich));
    for &w in &winners[..prices.len().min(winners.len())] {
        remaining[w] = false;
    }
    for (r, &w) in winners.iter().enumerate().skip(prices.len()) {
        remaining[w] = false;
        let p_hi = high.price(w)?;
        hi_rich.push(p_hi.rich_units[1]);
        rich_lower.push(p_hi.rich_units[0]);
        may_be_affine = may_be_affine
            && low.is_some_and(|(_, at)| at.rich_lower.get(r) == Some(&p_hi.rich_units[1]));
        // Prices fall as budgets rise: the largest over the interval is at
        // its low end.
        let w_hi = match low {
            Some((_, at)) => *at.prices.get(r)?,
            None => p_hi.hi,
        };
        let mut check = |p: usize| -> Option<u128> {
            if let Some(short) = high.shortfall(p, w, w_hi) {
                return Some(short);
            }
            let (lo, _) = low.filter(|_| may_be_affine)?;
            let iv = Interval {
                prep,
                grid,
                base,
                lo,
                order,
                hi_rich: &hi_rich,
            };
            let (low_bounds, lo_price) = low_end.at_round(&iv, r)?;
            super::chord::shortfall(&high, low_bounds, p, w, &p_hi, lo_price)
        };
        match base.and_then(|b| b.rounds.get(r)) {
            Some(limits) => {
                for l in limits {
                    let tot = high.tot_hi[l.project];
                    if tot < l.limit {
                        note(l.project, l.limit - tot);
                    } else {
                        note(l.project, check(l.project)?);
                    }
                }
            }
            None => {
                for p in (0..remaining.len()).filter(|&p| remaining[p]) {
                    note(p, check(p)?);
                }
            }
        }
        prices.push(p_hi.hi);
        high.pay(w, p_hi)?;
    }
    let headroom = still_unaffordable(prep, grid, &remaining, &high.tot_hi, headroom)?;
    Some(Certified {
        prices,
        rich_lower,
        headroom,
    })
}
