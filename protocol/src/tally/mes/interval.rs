//! Proving that every per-voter budget in an interval gives the same MES
//! outcome, from the two ends alone.
//!
//! Fix the winners `W` of a run, in order, and evaluate "MES forced to buy
//! `W`" at a per-voter budget `t`: each winner at the price its supporters
//! would pay (the unique `u` with `Σ min(budget, u × sat) = cost`), each
//! supporter paying `min(budget, u × sat)`. By induction over the rounds,
//! more initial money means every budget is at least as large and every
//! winner's price at most as large: budgets rise with `t`, prices fall
//! (`u` falls when budgets rise; `budget − min(budget, u × sat)` rises when
//! the budget rises and `u` falls).
//!
//! So for `t0 ≤ t ≤ t1`, if the real run at `t` bought the first `r − 1`
//! winners of `W`, a remaining project `p` can beat or tie winner `w_r` only
//! if its supporters can pay it at `w_r`'s ratio; what they can pay at that
//! ratio is at most `Σ weight × min(budget at t1, w_r's ratio at t0 × sat)`
//! (budgets at most those at `t1`, ratio at most the one at `t0`). If that
//! is below `p`'s cost for every remaining `p`, `w_r` is the strict winner
//! at every such `t`; and if after the last round the budgets at `t1` cannot
//! pay for any remaining project, no `t` buys more. Then every run in
//! `[t0, t1]` buys exactly `W`. All of it is exact integer arithmetic.

use super::bounds::{self, Grid};
use super::core::Prepared;
use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, Zero};

/// A winner's price per satisfaction unit in one forced evaluation, as the
/// money amount `num / (den × d0)`.
#[derive(Debug, Clone)]
pub(crate) struct Price {
    num: BigUint,
    den: BigUint,
}

/// `ceil(rest × s / denom)` per distinct satisfaction `s`, computed once.
struct Thresholds<'r> {
    rest: &'r BigUint,
    denom: BigUint,
    known: Vec<(u128, BigUint)>,
}

impl<'r> Thresholds<'r> {
    fn new(rest: &'r BigUint, denom: u128) -> Thresholds<'r> {
        Thresholds {
            rest,
            denom: BigUint::from(denom),
            known: Vec::new(),
        }
    }

    fn get(&mut self, s: u128) -> &BigUint {
        let k = match self.known.iter().position(|(ks, _)| *ks == s) {
            Some(k) => k,
            None => {
                let t = (self.rest * s).div_ceil(&self.denom);
                self.known.push((s, t));
                self.known.len() - 1
            }
        };
        &self.known[k].1
    }
}

/// A winner's price before it is paid.
struct Quote {
    price: Price,
    /// Cost minus what the poor pay, × `d0 × scale`.
    rest: BigUint,
    /// Satisfaction units of the supporters paying the full price.
    denom: u128,
    /// Per supporter (index into the list): pays everything it has.
    poor: Vec<bool>,
}

/// Budgets of one forced evaluation, × `d0 × scale`.
struct Forced<'a> {
    prep: &'a Prepared,
    budget: Vec<BigUint>,
    /// Per project, the total budget of its supporters (× `d0 × scale`).
    tot: Vec<BigUint>,
    scale: BigUint,
}

impl<'a> Forced<'a> {
    fn at(prep: &'a Prepared, k: u128) -> Forced<'a> {
        let start = &prep.base_scaled + &prep.d0 * BigUint::from(k);
        Forced {
            prep,
            tot: prep.supporter_weight.iter().map(|&n| &start * n).collect(),
            budget: vec![start; prep.weight.len()],
            scale: BigUint::one(),
        }
    }

    /// `w`'s price and which supporters pay all they have (the fixed
    /// point of [`super::run`]'s `unit_price`); `None` if they cannot pay.
    fn quote(&self, w: usize) -> Option<Quote> {
        let prep = self.prep;
        let sup = &prep.supporters[w];
        let cost = &prep.cost_scaled[w] * &self.scale;
        let mut poor = vec![false; sup.len()];
        let mut paid = BigUint::zero();
        let mut denom = prep.total_sat[w];
        let rest = loop {
            if denom == 0 || paid >= cost {
                return None;
            }
            let rest = &cost - &paid;
            let mut newly_paid = BigUint::zero();
            let mut newly_units = 0u128;
            // b × denom < rest × s  <=>  b < ceil(rest × s / denom): one
            // threshold per distinct s, no product per supporter.
            let mut thresholds = Thresholds::new(&rest, denom);
            for (i, &(g, s)) in sup.iter().enumerate() {
                let b = &self.budget[g as usize];
                if !poor[i] && b < thresholds.get(s) {
                    poor[i] = true;
                    let w = prep.weight[g as usize];
                    if w == 1 {
                        newly_paid += b;
                    } else {
                        newly_paid += b * w;
                    }
                    newly_units += w * s;
                }
            }
            if newly_units == 0 {
                break rest;
            }
            paid += newly_paid;
            denom -= newly_units;
        };
        Some(Quote {
            price: Price {
                num: rest.clone(),
                den: &self.scale * denom,
            },
            rest,
            denom,
            poor,
        })
    }

    /// Charges `w`'s supporters as quoted.
    fn pay(&mut self, w: usize, quote: Quote) -> Price {
        let prep = self.prep;
        let sup = &prep.supporters[w];
        let Quote {
            price,
            rest,
            denom,
            poor,
        } = quote;
        // Make the unit price a whole number of budget units.
        let g = rest.gcd(&BigUint::from(denom));
        let factor = BigUint::from(denom) / &g;
        let unit = &rest / &g;
        if !factor.is_one() {
            self.scale *= &factor;
            for b in self.budget.iter_mut().filter(|b| !b.is_zero()) {
                *b *= &factor;
            }
            for t in self.tot.iter_mut().filter(|t| !t.is_zero()) {
                *t *= &factor;
            }
        }
        // Per project, what its supporters paid: the rich pay `unit` per
        // satisfaction unit, so only their units are summed (in u128); the
        // poor pay what they had. One big subtraction per project instead
        // of one per (supporter, project) pair.
        let n = self.tot.len();
        let mut rich_units = vec![0u128; n];
        let mut poor_paid = vec![BigUint::zero(); n];
        let mut dues: Vec<(u128, BigUint)> = Vec::new();
        for (i, &(g, s)) in sup.iter().enumerate() {
            let w = prep.weight[g as usize];
            let b = &mut self.budget[g as usize];
            if poor[i] {
                let had = std::mem::take(b);
                if !had.is_zero() {
                    let paid = had * w;
                    for &q in &prep.group_projects[g as usize] {
                        poor_paid[q as usize] += &paid;
                    }
                }
            } else {
                let due = match dues.iter().position(|(ds, _)| *ds == s) {
                    Some(k) => &dues[k].1,
                    None => {
                        dues.push((s, &unit * s));
                        &dues[dues.len() - 1].1
                    }
                };
                *b -= due;
                for &q in &prep.group_projects[g as usize] {
                    rich_units[q as usize] += w * s;
                }
            }
        }
        for (q, (units, poor)) in rich_units.into_iter().zip(poor_paid).enumerate() {
            if units > 0 || !poor.is_zero() {
                self.tot[q] -= &unit * units + poor;
            }
        }
        price
    }

    /// What the supporters of `p` could pay at the unit price `u × m_num /
    /// m_den` (money `u = price.num / (price.den × d0)`), and `p`'s cost,
    /// both in units of `1 / (d0 × scale × price.den × m_den)`; `None` when
    /// even everyone paying the full price falls short of the cost.
    fn reach(
        &self,
        p: usize,
        price: &Price,
        m_num: &BigUint,
        m_den: &BigUint,
    ) -> Option<(BigUint, BigUint)> {
        let prep = self.prep;
        // Amounts in units of 1 / (d0 × scale × price.den × m_den).
        let cost = &prep.cost_scaled[p] * &self.scale * &price.den * m_den;
        let unit = &price.num * m_num;
        // Cheap: at most the full price for everyone.
        if &unit * prep.total_sat[p] * &self.scale < cost {
            return None;
        }
        let b_scale = &price.den * m_den;
        let unit_scaled = &unit * &self.scale;
        // A supporter pays its whole budget b when b × b_scale < unit_scaled
        // × s, i.e. b < ceil(unit_scaled × s / b_scale): one comparison
        // per supporter against a threshold computed once per distinct s.
        let mut thresholds: Vec<(u128, BigUint)> = Vec::new();
        let mut poor_sum = BigUint::zero();
        let mut rich_units: u128 = 0;
        for &(g, s) in &prep.supporters[p] {
            let b = &self.budget[g as usize];
            let w = prep.weight[g as usize];
            if b.is_zero() {
                continue;
            }
            let t = match thresholds.iter().position(|(ts, _)| *ts == s) {
                Some(i) => &thresholds[i].1,
                None => {
                    thresholds.push((s, (&unit_scaled * s).div_ceil(&b_scale)));
                    &thresholds[thresholds.len() - 1].1
                }
            };
            if b < t {
                if w == 1 {
                    poor_sum += b;
                } else {
                    poor_sum += b * w;
                }
            } else {
                rich_units += w * s;
            }
        }
        Some((poor_sum * b_scale + unit_scaled * rich_units, cost))
    }

    /// Whether `p` would beat or tie winner `w` whose price is `price`.
    fn could_beat(&self, p: usize, w: usize, price: &Price) -> bool {
        self.reach_against(p, w, price)
            .is_some_and(|(reach, cost)| reach >= cost)
    }

    /// [`Forced::reach`] at `w`'s ratio: for `Cost_Sat` ratios are per unit
    /// of cost, so `p`'s unit price is `w`'s price × cost_p / cost_w.
    fn reach_against(&self, p: usize, w: usize, price: &Price) -> Option<(BigUint, BigUint)> {
        let prep = self.prep;
        if prep.cost_sat {
            self.reach(p, price, &prep.cost_scaled[p], &prep.cost_scaled[w])
        } else {
            let one = BigUint::one();
            self.reach(p, price, &one, &one)
        }
    }

    /// The unit `d0 × scale × price.den × m_den` of [`Forced::reach`], over `d0`.
    fn reach_unit(&self, w: usize, price: &Price) -> BigUint {
        let m_den = if self.prep.cost_sat {
            self.prep.cost_scaled[w].clone()
        } else {
            BigUint::one()
        };
        &self.scale * &price.den * m_den
    }
}

/// A shortcut proof for one (round, project) pair, set up at the start `s`
/// of a stretch of runs: what `p`'s supporters can pay at the winner's
/// ratio at `t ≥ s` is at most what they could pay at `s` (exactly
/// computed) plus how much their budgets grew since (each `min(budget, x)`
/// grows by at most its budget's growth). So it is enough that their total
/// budget at `t1` stays below `limit = cost − reach(s) + total(s)`, money
/// `num / (d0 × unit)`: one comparison instead of a pass over supporters.
struct Limit {
    project: usize,
    num: BigUint,
    unit: BigUint,
}

/// Per round, the pairs that need checking (the others cannot compete at
/// any `t ≥ s`: even all supporters paying the winner's ratio at `s` in
/// full falls short).
pub(crate) struct Baseline {
    rounds: Vec<Vec<Limit>>,
}

/// The shortcut proofs of every pair set up at `k0`, or `None` if some
/// project already ties a winner at `k0`.
pub(crate) fn baseline(prep: &Prepared, k0: u128, winners: &[usize]) -> Option<Baseline> {
    let mut f = Forced::at(prep, k0);
    let mut remaining = remaining_at_start(prep);
    let mut rounds = Vec::with_capacity(winners.len());
    for &w in winners {
        remaining[w] = false;
        let quote = f.quote(w)?;
        let price = &quote.price;
        let mut limits = Vec::new();
        for p in (0..remaining.len()).filter(|&p| remaining[p]) {
            let Some((reach, cost)) = f.reach_against(p, w, price) else {
                continue;
            };
            if reach >= cost {
                return None;
            }
            let unit = f.reach_unit(w, price);
            let num = cost - reach + &f.tot[p] * (&unit / &f.scale);
            limits.push(Limit {
                project: p,
                num,
                unit,
            });
        }
        rounds.push(limits);
        f.pay(w, quote);
    }
    Some(Baseline { rounds })
}

/// Which projects a forced evaluation starts with as still buyable: the
/// candidates (shared with the fixed-point bounds of `bounds.rs`).
pub(crate) fn remaining_at_start(prep: &Prepared) -> Vec<bool> {
    let mut remaining = vec![false; prep.cost.len()];
    for &p in &prep.candidates {
        remaining[p] = true;
    }
    remaining
}

/// Whether every run with per-voter budget between `budget / ballots + lo`
/// and `budget / ballots + hi` (`lo < hi`) provably buys exactly `winners`
/// in this order, given that run `lo` does. `base`, if any, holds the
/// shortcut proofs set up at some start `≤ lo` (without them every pair
/// gets the full check).
///
/// Both ends are evaluated side by side, round by round. A project that
/// could beat or tie a winner at `hi` at `hi`'s own prices is a real change
/// (or a tie): no. For one step that is all there is to check. Over longer
/// intervals, a pair passes if the endpoint bound of the module docs holds
/// (budgets at `hi`, the winner's ratio at `lo`), else, while the winners'
/// poor supporters are the same at both ends, if the tangent bound of
/// [`super::tangent`] holds.
pub(crate) fn certify(
    prep: &Prepared,
    base: Option<&Baseline>,
    lo: u128,
    hi: u128,
    winners: &[usize],
) -> bool {
    let one_step = hi == lo + 1;
    // Run `lo` buys `winners`, so for one step only `hi` needs checking.
    let mut low = (!one_step).then(|| Forced::at(prep, lo));
    let mut high = Forced::at(prep, hi);
    let mut remaining = remaining_at_start(prep);
    let mut affine = true;
    for (r, &w) in winners.iter().enumerate() {
        remaining[w] = false;
        let Some(q_hi) = high.quote(w) else {
            return false;
        };
        let q_lo = match &low {
            Some(f) => match f.quote(w) {
                Some(q) => Some(q),
                None => return false,
            },
            None => None,
        };
        if let Some(q) = &q_lo {
            affine = affine && q.poor == q_hi.poor;
        }
        let pair = Pair {
            prep,
            low: low.as_ref().zip(q_lo.as_ref()),
            high: &high,
            q_hi: &q_hi,
            w,
            affine,
        };
        match base.and_then(|b| b.rounds.get(r)) {
            Some(limits) => {
                for limit in limits {
                    let p = limit.project;
                    if &high.tot[p] * &limit.unit < &limit.num * &high.scale {
                        continue;
                    }
                    if !pair.cannot_compete(p) {
                        return false;
                    }
                }
            }
            None => {
                for p in (0..remaining.len()).filter(|&p| remaining[p]) {
                    if !pair.cannot_compete(p) {
                        return false;
                    }
                }
            }
        }
        if let (Some(f), Some(q)) = (low.as_mut(), q_lo) {
            f.pay(w, q);
        }
        high.pay(w, q_hi);
    }
    for p in (0..remaining.len()).filter(|&p| remaining[p]) {
        if high.tot[p] >= &prep.cost_scaled[p] * &high.scale {
            return false;
        }
    }
    true
}

/// One round of [`certify`]: the winner `w` and both ends' evaluations.
struct Pair<'p, 'a> {
    prep: &'a Prepared,
    /// The low end and its quote for `w` (absent for a single step).
    low: Option<(&'p Forced<'a>, &'p Quote)>,
    high: &'p Forced<'a>,
    q_hi: &'p Quote,
    w: usize,
    /// Whether the winners' poor supporters so far are the same at both ends.
    affine: bool,
}

impl Pair<'_, '_> {
    /// Whether `p` provably cannot beat or tie `w` anywhere in the interval.
    fn cannot_compete(&self, p: usize) -> bool {
        let high = self.high;
        // Budgets only grow with t: if everything they have at `hi` falls
        // short, they fall short everywhere.
        if high.tot[p] < &self.prep.cost_scaled[p] * &high.scale {
            return true;
        }
        if high.could_beat(p, self.w, &self.q_hi.price) {
            return false;
        }
        let Some((low, q_lo)) = self.low else {
            return true;
        };
        if !high.could_beat(p, self.w, &q_lo.price) {
            return true;
        }
        self.affine && self.tangent_below(low, &q_lo.price, p)
    }

    /// [`super::tangent::stays_below`] for `p`, both ends brought to one
    /// unit: amounts at an end are in units of `1 / (d0 × scale × price.den
    /// × m_den)` ([`Forced::reach`]); each end is multiplied by the other's
    /// unit over `d0`.
    fn tangent_below(&self, low: &Forced, lo_price: &Price, p: usize) -> bool {
        let prep = self.prep;
        let high = self.high;
        let hi_price = &self.q_hi.price;
        let (m_num, m_den) = if prep.cost_sat {
            (
                prep.cost_scaled[p].clone(),
                prep.cost_scaled[self.w].clone(),
            )
        } else {
            (BigUint::one(), BigUint::one())
        };
        let unit_lo = &low.scale * &lo_price.den * &m_den;
        let unit_hi = &high.scale * &hi_price.den * &m_den;
        let end_lo = super::tangent::End {
            budgets: &low.budget,
            budget_mult: &lo_price.den * &m_den * &unit_hi,
            unit_price: &lo_price.num * &m_num * &low.scale * &unit_hi,
        };
        let end_hi = super::tangent::End {
            budgets: &high.budget,
            budget_mult: &hi_price.den * &m_den * &unit_lo,
            unit_price: &hi_price.num * &m_num * &high.scale * &unit_lo,
        };
        let cost = &prep.cost_scaled[p] * unit_lo * unit_hi;
        super::tangent::stays_below(&prep.supporters[p], &prep.weight, &end_lo, &end_hi, &cost)
    }
}

/// Forced evaluations with bounds that cost about as much as one MES run
/// (measured on Budapest 2024: a run makes every purchase's round over all
/// remaining projects in exact arithmetic, an evaluation only the winners'
/// in machine integers).
const FAST_EVALS_PER_RUN: u128 = 4;

/// The most a proof's headroom guess may multiply the stride by at once:
/// the guess assumes budgets grow by one unit per step, which in later
/// rounds they may exceed.
const HEADROOM_JUMP: u128 = 16;

/// The longest first stride of a stretch after its one-step proof.
const FIRST_STRIDE_CAP: u128 = 8;

/// A stretch's first stride hint (half the previous stretch) above which
/// its one-step proof and shortcuts are made from one evaluation.
const FUSED_AFTER_STRIDE: u128 = 2;

/// How intervals are proved: with bounds on the grid of `bounds.rs` when
/// the election has one (much cheaper), else exactly.
#[derive(Clone, Copy)]
pub(crate) struct Prover<'a> {
    prep: &'a Prepared,
    grid: Option<&'a Grid>,
}

impl<'a> Prover<'a> {
    /// A prover for `prep`, on `grid` if given.
    pub(crate) fn new(prep: &'a Prepared, grid: Option<&'a Grid>) -> Prover<'a> {
        Prover { prep, grid }
    }

    /// Whether proofs are made with bounds: then a forced evaluation costs
    /// a small fraction of a run.
    pub(crate) fn is_cheap(&self) -> bool {
        self.grid.is_some()
    }

    /// What `evals` forced evaluations cost, in MES runs (rounded down).
    pub(crate) fn runs_worth(&self, evals: u128) -> u128 {
        if self.is_cheap() {
            evals / FAST_EVALS_PER_RUN
        } else {
            evals
        }
    }

    /// The last step `k ≥ k0` up to which every run provably buys `winners`
    /// (the outcome of run `k0`), never past `cap`, and the number of
    /// forced evaluations made (with bounds: each a small fraction of a
    /// run; exact: each about one run).
    ///
    /// A first proof covers one step (cheap to fail, and many stretches of
    /// equal outcomes are short); if it holds, the shortcut proofs are set
    /// up and the stride grows while proofs succeed and halves at each
    /// failure (a proof over a shorter interval is easier). The first
    /// stride after the first step is `first_stride` (≥ 1), e.g. guessed
    /// from the previous stretch.
    pub(crate) fn last_same(
        &self,
        k0: u128,
        winners: &[usize],
        cap: u128,
        first_stride: u128,
    ) -> (u128, u128) {
        if k0 >= cap {
            return (k0, 0);
        }
        match self.grid {
            Some(grid) => self.last_same_fast(grid, k0, winners, cap, first_stride),
            None => last_same_exact(self.prep, k0, winners, cap, first_stride),
        }
    }

    /// [`Prover::last_same`] with bounds. Each proof evaluates only its high
    /// end: the low end's prices are those of the previous successful proof.
    /// The stride doubles only after two successes in a row: near the end of
    /// a stretch proofs over twice the stride fail about as often as not,
    /// and each failure costs an evaluation.
    fn last_same_fast(
        &self,
        grid: &Grid,
        k0: u128,
        winners: &[usize],
        cap: u128,
        first_stride: u128,
    ) -> (u128, u128) {
        let prep = self.prep;
        let order = bounds::Order::new(grid, winners).skipping_bought(grid);
        let mut lo = k0 + 1;
        // After a long stretch the one-step proof mostly holds: make it and
        // the stretch's shortcuts from one evaluation (counted as two, as
        // when made apart; Budapest 2024). After a short one it often
        // fails, and the shortcuts' passes would be wasted: prove first
        // (Warszawa 2021 Ursynów: 8% more work when always fused).
        let (first, base) = if first_stride > FUSED_AFTER_STRIDE {
            match bounds::first_step(prep, grid, lo, &order) {
                Some(made) => made,
                None => return (k0, 1),
            }
        } else {
            match bounds::certify(prep, grid, None, None, lo, &order) {
                Some(first) => (first, bounds::baseline(prep, grid, lo, &order)),
                None => return (k0, 1),
            }
        };
        let mut at_lo = first;
        let mut evals: u128 = 2;
        let Some(base) = base else {
            return (lo, evals);
        };
        // The stretch's first proofs are the hardest to make long: the
        // project that just won or lost is still close. A long stride
        // guessed from the previous stretch mostly fails there (Budapest
        // 2024: 7% more evaluations than starting at 8 at most).
        let mut stride: u128 = first_stride.clamp(1, FIRST_STRIDE_CAP);
        let mut streak = 0;
        while lo < cap {
            let hi = lo.saturating_add(stride).min(cap);
            evals += 1;
            let low = (hi > lo + 1).then_some((lo, &at_lo));
            match bounds::certify(prep, grid, Some(&base), low, hi, &order) {
                Some(proved) => {
                    lo = hi;
                    let headroom = proved.headroom;
                    at_lo = proved;
                    let before = stride;
                    streak += 1;
                    if streak >= 2 {
                        stride = stride.saturating_mul(2);
                        streak = 0;
                    }
                    // The proof's own margins say how far the next one is
                    // likely to reach; a stride below that would only make
                    // more proofs (Budapest 2024: 28% fewer failed proofs).
                    stride = stride.max(headroom.min(before.saturating_mul(HEADROOM_JUMP)));
                }
                None if stride == 1 => break,
                None => {
                    stride /= 2;
                    streak = 0;
                }
            }
        }
        (lo, evals)
    }
}

/// [`Prover::last_same`] with exact evaluations, both ends of each interval.
fn last_same_exact(
    prep: &Prepared,
    k0: u128,
    winners: &[usize],
    cap: u128,
    first_stride: u128,
) -> (u128, u128) {
    if !certify(prep, None, k0, k0 + 1, winners) {
        return (k0, 1);
    }
    let mut lo = k0 + 1;
    let mut evals: u128 = 2;
    let Some(base) = baseline(prep, lo, winners) else {
        return (lo, evals);
    };
    let mut stride: u128 = first_stride.max(1);
    while lo < cap {
        let hi = lo.saturating_add(stride).min(cap);
        evals += if hi == lo + 1 { 1 } else { 2 };
        if certify(prep, Some(&base), lo, hi, winners) {
            lo = hi;
            stride = stride.saturating_mul(2);
        } else if stride == 1 {
            break;
        } else {
            stride /= 2;
        }
    }
    (lo, evals)
}
