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

/// CPU time this thread has run so far (Linux `/proc/thread-self/schedstat`,
/// nanoseconds on a CPU). Unlike wall time it does not grow while other
/// processes on a shared machine hold the cores, so a ratio of two CPU
/// times measured on one thread is steadier than one of wall times.
/// `None` where the file is missing.
pub fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// Runs `work`, returning its result, wall time and CPU time on this thread
/// (the CPU time is `None` where it cannot be read).
pub fn timed<T>(work: impl FnOnce() -> T) -> (T, Duration, Option<Duration>) {
    let cpu = thread_cpu();
    let start = std::time::Instant::now();
    let value = work();
    let wall = start.elapsed();
    let used = cpu.zip(thread_cpu()).map(|(a, b)| b.saturating_sub(a));
    (value, wall, used)
}
