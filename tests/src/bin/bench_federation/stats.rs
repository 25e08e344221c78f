//! Percentiles and rates.

use std::time::Duration;

/// The `p`-th percentile (nearest rank) of `samples`, sorted in place.
pub fn percentile(samples: &mut [Duration], p: u32) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    samples.sort();
    let rank = (samples.len() * p as usize).div_ceil(100).max(1);
    samples[rank - 1]
}

/// Items per second.
pub fn rate(items: u64, elapsed: Duration) -> f64 {
    items as f64 / elapsed.as_secs_f64()
}

/// `ours / reference` in percent.
pub fn ratio(ours: f64, reference: f64) -> f64 {
    100.0 * ours / reference
}
