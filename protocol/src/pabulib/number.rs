//! Exact numbers in Pabulib fields: decimals (`75000.0`, `75000,5`, `1e3`)
//! and fractions (`p/q`) parsed into rationals, and rationals written back.

use crate::election::Money;
use num_bigint::{BigInt, BigUint};
use num_integer::Integer;
use num_traits::{One, Signed, Zero};

/// Parses an exact amount: an optional sign, digits with an optional `.` or
/// `,` decimal part and an optional exponent, or a fraction `p/q`. Returns
/// `None` for anything else (including an empty string, `nan`, `inf`, `1/0`).
pub fn parse_money(text: &str) -> Option<Money> {
    let text = text.trim();
    if let Some((num, den)) = text.split_once('/') {
        let num = parse_integer(num)?;
        let den = parse_integer(den)?;
        if den.is_zero() {
            return None;
        }
        return Some(Money::new(num, den));
    }
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], text[at + 1..].parse::<i32>().ok()?),
        None => (text, 0),
    };
    let (negative, digits) = match mantissa.as_bytes().first() {
        Some(b'-') => (true, &mantissa[1..]),
        Some(b'+') => (false, &mantissa[1..]),
        _ => (false, mantissa),
    };
    let (int_part, frac_part) = match digits.find(['.', ',']) {
        Some(at) => (&digits[..at], &digits[at + 1..]),
        None => (digits, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int_part.is_empty() && frac_part.is_empty()
        || !all_digits(int_part)
        || !all_digits(frac_part)
    {
        return None;
    }
    let mut value = BigInt::zero();
    for b in int_part.bytes().chain(frac_part.bytes()) {
        value = value * 10u32 + u32::from(b - b'0');
    }
    if negative {
        value = -value;
    }
    // value × 10^(exponent − decimals), exactly.
    let scale = i64::from(exponent) - frac_part.len() as i64;
    // An absurd exponent would allocate without bound; Pabulib numbers are money.
    if scale.unsigned_abs() > 4096 {
        return None;
    }
    let power = BigInt::from(10u32).pow(scale.unsigned_abs() as u32);
    Some(if scale >= 0 {
        Money::from_integer(value * power)
    } else {
        Money::new(value, power)
    })
}

fn parse_integer(text: &str) -> Option<BigInt> {
    let text = text.trim();
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Writes an exact amount as an integer (`75000`) or, when it is not one, as
/// a reduced fraction `p/q` (the form pabutools prints, and which
/// [`parse_money`] reads back).
pub fn format_money(value: &Money) -> String {
    if value.is_integer() {
        value.numer().to_string()
    } else {
        format!("{}/{}", value.numer(), value.denom())
    }
}

/// Writes an amount as a finite decimal (`1250.5`) when it has one, since that
/// is what Pabulib files hold, and as `p/q` otherwise.
pub(super) fn format_decimal(value: &Money) -> String {
    if value.is_integer() {
        return value.numer().to_string();
    }
    // The decimal is finite iff the reduced denominator is 2^a·5^b; it then
    // has max(a, b) digits after the point.
    let mut den: BigUint = value.denom().magnitude().clone();
    let (mut twos, mut fives) = (0u32, 0u32);
    let (two, five) = (BigUint::from(2u32), BigUint::from(5u32));
    while den.is_even() {
        den /= &two;
        twos += 1;
    }
    while (&den % &five).is_zero() {
        den /= &five;
        fives += 1;
    }
    if !den.is_one() {
        return format_money(value);
    }
    let decimals = twos.max(fives);
    let scaled =
        (value.abs() * Money::from_integer(BigInt::from(10u32).pow(decimals))).to_integer();
    let digits = format!("{:0>width$}", scaled, width = decimals as usize + 1);
    let (int_part, frac_part) = digits.split_at(digits.len() - decimals as usize);
    let sign = if value.is_negative() { "-" } else { "" };
    format!("{sign}{int_part}.{frac_part}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i64, d: i64) -> Money {
        Money::new(BigInt::from(n), BigInt::from(d))
    }

    #[test]
    fn decimals_are_exact() {
        assert_eq!(parse_money("75000.0"), Some(q(75000, 1)));
        assert_eq!(parse_money("75000,5"), Some(q(150001, 2)));
        assert_eq!(parse_money("0.1"), Some(q(1, 10)));
        assert_eq!(parse_money(".5"), Some(q(1, 2)));
        assert_eq!(parse_money("1e3"), Some(q(1000, 1)));
        assert_eq!(parse_money("2.5E-1"), Some(q(1, 4)));
        assert_eq!(parse_money("-3"), Some(q(-3, 1)));
        assert_eq!(parse_money("10/4"), Some(q(5, 2)));
    }

    #[test]
    fn garbage_is_rejected() {
        for bad in [
            "", ".", "abc", "1.2.3", "1/0", "nan", "inf", "1e", "1 000", "1e99999",
        ] {
            assert_eq!(parse_money(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn formats_round_trip() {
        for v in [q(75000, 1), q(1, 3), q(-7, 2), q(1, 80), q(0, 1)] {
            assert_eq!(parse_money(&format_money(&v)), Some(v.clone()));
            assert_eq!(parse_money(&format_decimal(&v)), Some(v));
        }
        assert_eq!(format_money(&q(10000, 21)), "10000/21");
        assert_eq!(format_decimal(&q(1, 80)), "0.0125");
        assert_eq!(format_decimal(&q(-7, 2)), "-3.5");
        assert_eq!(format_decimal(&q(1, 3)), "1/3");
    }
}
