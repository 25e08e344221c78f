//! A fast exact rational for the MES inner loop.
//!
//! Budgets and prices stay small in practice, so most arithmetic fits in an
//! `i128` numerator and denominator; an operation that would overflow
//! switches that value to an arbitrary-precision [`BigRational`] instead.
//! Nothing is ever rounded: both representations are exact, and a value is
//! brought back to the small form whenever it fits again.

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::{BigRational, Ratio};
use num_traits::{CheckedAdd, CheckedSub, ToPrimitive, Zero};
use std::cmp::Ordering;

type Small = Ratio<i128>;

/// Small values keep numerator and denominator below this bound, so the
/// checked operations of `Ratio<i128>` never meet `i128::MIN` edge cases.
const SMALL_LIMIT: i128 = 1 << 120;

/// An exact rational number: `i128` fast path, [`BigRational`] fallback.
#[derive(Clone, Debug)]
pub(crate) enum Q {
    /// Reduced, denominator positive, both below `SMALL_LIMIT` in magnitude.
    S(Small),
    /// Anything larger.
    B(BigRational),
}

fn fits(r: &Small) -> bool {
    r.numer().abs() < SMALL_LIMIT && *r.denom() < SMALL_LIMIT
}

impl Q {
    /// Zero.
    pub(crate) fn zero() -> Q {
        Q::S(Small::zero())
    }

    /// A non-negative integer.
    pub(crate) fn from_u128(n: u128) -> Q {
        match i128::try_from(n) {
            Ok(v) if v < SMALL_LIMIT => Q::S(Small::from_integer(v)),
            _ => Q::B(BigRational::from_integer(BigInt::from(n))),
        }
    }

    /// Converts from a [`BigRational`], using the small form when it fits.
    pub(crate) fn from_big(b: BigRational) -> Q {
        if let (Some(n), Some(d)) = (b.numer().to_i128(), b.denom().to_i128()) {
            let r = Small::new_raw(n, d);
            if fits(&r) && d > 0 {
                return Q::S(r);
            }
        }
        Q::B(b)
    }

    /// The value as a [`BigRational`].
    pub(crate) fn to_big(&self) -> BigRational {
        match self {
            Q::S(r) => BigRational::new_raw(BigInt::from(*r.numer()), BigInt::from(*r.denom())),
            Q::B(b) => b.clone(),
        }
    }

    fn small(r: Option<Small>) -> Option<Q> {
        r.filter(fits).map(Q::S)
    }

    /// `self + o`.
    pub(crate) fn add(&self, o: &Q) -> Q {
        if let (Q::S(a), Q::S(b)) = (self, o)
            && let Some(q) = Q::small(a.checked_add(b))
        {
            return q;
        }
        Q::from_big(self.to_big() + o.to_big())
    }

    /// `self - o`.
    pub(crate) fn sub(&self, o: &Q) -> Q {
        if let (Q::S(a), Q::S(b)) = (self, o)
            && let Some(q) = Q::small(a.checked_sub(b))
        {
            return q;
        }
        Q::from_big(self.to_big() - o.to_big())
    }

    /// `self / k` for a positive integer `k` (the caller guarantees `k > 0`).
    pub(crate) fn div_int(&self, k: u128) -> Q {
        if k == 1 {
            return self.clone();
        }
        if let Q::S(a) = self
            && let Ok(k) = i128::try_from(k)
            && k > 0
        {
            let g = k.gcd(a.numer());
            let g = if g == 0 { 1 } else { g };
            if let Some(d) = a.denom().checked_mul(k / g) {
                let r = Small::new_raw(a.numer() / g, d);
                if fits(&r) {
                    return Q::S(r);
                }
            }
        }
        Q::from_big(self.to_big() / BigRational::from_integer(BigInt::from(k)))
    }

    /// `self / o`; `o` must not be zero (the caller guarantees it).
    pub(crate) fn div(&self, o: &Q) -> Q {
        if let (Q::S(a), Q::S(b)) = (self, o)
            && !b.is_zero()
        {
            // a/b = (an * bd) / (ad * bn), reduced by Ratio::new.
            if let (Some(n), Some(d)) = (
                a.numer().checked_mul(*b.denom()),
                a.denom().checked_mul(*b.numer()),
            ) {
                let r = Small::new(n, d);
                if fits(&r) {
                    return Q::S(r);
                }
            }
        }
        Q::from_big(self.to_big() / o.to_big())
    }
}

impl PartialEq for Q {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Q {}

impl PartialOrd for Q {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Q {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Q::S(a), Q::S(b)) => {
                if a.denom() == b.denom() {
                    return a.numer().cmp(b.numer());
                }
                match (
                    a.numer().checked_mul(*b.denom()),
                    b.numer().checked_mul(*a.denom()),
                ) {
                    (Some(l), Some(r)) => l.cmp(&r),
                    _ => (BigInt::from(*a.numer()) * BigInt::from(*b.denom()))
                        .cmp(&(BigInt::from(*b.numer()) * BigInt::from(*a.denom()))),
                }
            }
            _ => self.to_big().cmp(&other.to_big()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(n: i64, d: i64) -> BigRational {
        BigRational::new(BigInt::from(n), BigInt::from(d))
    }

    #[test]
    fn overflowing_products_fall_back_to_big_and_stay_exact() {
        let two_119 = BigRational::from_integer(BigInt::from(1u128 << 119));
        let huge = Q::from_big(two_119.clone() * big(1, 3));
        assert!(matches!(huge, Q::S(_)));
        let prod = Q::from_big(huge.to_big() * two_119.clone());
        assert!(matches!(prod, Q::B(_)));
        let expected = two_119.clone() * two_119 * big(1, 3);
        assert_eq!(prod.to_big(), expected);
        // Dividing back brings it into the small range again.
        let back = prod.div_int(1u128 << 119);
        assert!(matches!(back, Q::S(_)));
        assert_eq!(back.to_big(), huge.to_big());
    }

    #[test]
    fn arithmetic_matches_bigrational() {
        let a = Q::from_big(big(7, 3));
        let b = Q::from_big(big(-5, 4));
        assert_eq!(a.add(&b).to_big(), big(13, 12));
        assert_eq!(a.sub(&b).to_big(), big(43, 12));
        assert_eq!(a.div(&b).to_big(), big(-28, 15));
        assert_eq!(a.div_int(14).to_big(), big(1, 6));
        assert!(b < a);
    }
}
