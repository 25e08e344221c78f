//! The federation benchmark run by `scripts/bench-federation.sh`, all in
//! one process and one run:
//!
//! 1. checkpoint propagation to every node of a federation of `NODES`
//!    (20) real nodes, each with its own libp2p network on 127.0.0.1 and
//!    its federation driver: `ROUNDS` rounds, p50 and p99 of the time until
//!    the last node saw the new checkpoint (target: p99 < 1 s);
//! 2. sync of a `SYNC_ENTRIES`-entry (1,000,000) log to a fresh peer over
//!    libp2p against local replay of the same entries (target: >= 50%);
//! 3. regional recount of `RECOUNT_BALLOTS` (1,000,000) ballots over
//!    `MEMBERS` (20) member logs against raw cofactored batch verification
//!    on one core (target: >= 60%).
//!
//! Every node stores in memory (`MemoryStore`).

mod cluster;
mod process;
mod propagation;
mod recount;
mod stats;
mod sync;

use stats::{percentile, rate, ratio};
use std::time::Duration;

fn env_or(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v
            .replace('_', "")
            .parse()
            .unwrap_or_else(|e| panic!("{name}={v}: {e}")),
        Err(_) => default,
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT met" }
}

fn main() {
    let nodes = env_or("NODES", 20) as usize;
    let rounds = env_or("ROUNDS", 50) as usize;
    let sync_entries = env_or("SYNC_ENTRIES", 1_000_000);
    let members = env_or("MEMBERS", 20) as usize;
    let ballots = env_or("RECOUNT_BALLOTS", 1_000_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");

    println!("== 1. checkpoint propagation: {nodes} nodes, {rounds} rounds");
    let p = runtime.block_on(propagation::run(nodes, rounds));
    let rounds_ms: Vec<String> = p
        .rounds
        .iter()
        .map(|d| format!("{:.1}", d.as_secs_f64() * 1000.0))
        .collect();
    println!("rounds (ms): {}", rounds_ms.join(" "));
    let mut samples = p.rounds.clone();
    let (p50, p99) = (percentile(&mut samples, 50), percentile(&mut samples, 99));
    println!("p50 {}  p99 {}  missed {}", ms(p50), ms(p99), p.missed);

    println!("== 2. sync of a {sync_entries}-entry log to a fresh peer");
    let s = runtime.block_on(sync::run(sync_entries));
    let sync_rate = rate(s.entries, s.sync);
    let replay_rate = rate(s.entries, s.replay);
    println!(
        "log built in {:.1} s; sync {:.2} s = {sync_rate:.0} entries/s; local replay {:.2} s = {replay_rate:.0} entries/s; {:.0}%",
        s.build.as_secs_f64(),
        s.sync.as_secs_f64(),
        s.replay.as_secs_f64(),
        ratio(sync_rate, replay_rate)
    );

    println!("== 3. regional recount of {ballots} ballots over {members} member logs");
    let r = recount::run(members, ballots);
    let recount_rate = rate(r.ballots, r.recount);
    let raw_rate = rate(r.ballots, r.raw);
    let from_bytes_rate = rate(r.ballots, r.raw + r.key_parsing);
    println!(
        "set up in {:.1} s; recount {:.2} s = {recount_rate:.0} ballots/s; raw batch verification (1 core) {:.2} s = {raw_rate:.0} signatures/s; {:.0}%",
        r.build.as_secs_f64(),
        r.recount.as_secs_f64(),
        r.raw.as_secs_f64(),
        ratio(recount_rate, raw_rate)
    );
    println!(
        "context: raw batch verification with each key parsed from its bytes (+{:.2} s) = {from_bytes_rate:.0} signatures/s; recount {:.0}% of it",
        r.key_parsing.as_secs_f64(),
        ratio(recount_rate, from_bytes_rate)
    );
    if let Some((recount_cpu, raw_cpu)) = r.cpu {
        println!(
            "by CPU time on the measuring thread (steadier on a shared machine): recount {:.2} s, raw {:.2} s; {:.0}%",
            recount_cpu.as_secs_f64(),
            raw_cpu.as_secs_f64(),
            ratio(raw_cpu.as_secs_f64(), recount_cpu.as_secs_f64())
        );
    }
    drop(runtime);

    let sync_pct = ratio(sync_rate, replay_rate);
    let recount_pct = ratio(recount_rate, raw_rate);
    println!();
    println!("| measure | figure | target | |");
    println!("|---|---|---|---|");
    println!(
        "| checkpoint to all {} nodes ({} rounds, {} missed) | p50 {}, p99 {} | p99 < 1 s | {} |",
        p.nodes,
        p.rounds.len(),
        p.missed,
        ms(p50),
        ms(p99),
        verdict(p99 < Duration::from_secs(1) && p.missed == 0)
    );
    println!(
        "| sync of {} entries vs local replay | {sync_rate:.0} vs {replay_rate:.0} entries/s = {sync_pct:.0}% | >= 50% | {} |",
        s.entries,
        verdict(sync_pct >= 50.0)
    );
    println!(
        "| recount of {} ballots over {} logs vs raw batch verification | {recount_rate:.0} vs {raw_rate:.0} /s = {recount_pct:.0}% | >= 60% | {} |",
        r.ballots,
        r.members,
        verdict(recount_pct >= 60.0)
    );
}
