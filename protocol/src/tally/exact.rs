//! Exact amounts in explanations: serialized as strings (an integer or a
//! reduced fraction `p/q`) so that no JSON reader turns them into floats.

use crate::election::Money;
use crate::pabulib::format_money;
use serde::Serializer;

/// Serializes a [`Money`] as an exact string (`"75000"`, `"10000/21"`).
pub fn serialize_money<S: Serializer>(value: &Money, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format_money(value))
}

/// Serializes an optional [`Money`] as an exact string or `null`.
pub fn serialize_money_option<S: Serializer>(
    value: &Option<Money>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => serializer.serialize_str(&format_money(v)),
        None => serializer.serialize_none(),
    }
}
