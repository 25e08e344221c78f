//! The client half of `scripts/bench-ingest.sh` (which builds in release,
//! starts a real node and passes it here through the environment):
//!
//! 1. sets up a voting process with `VOTERS` registered voters over HTTP;
//! 2. signs `MEASURE` ballots and serialises their request bodies up front,
//!    so the client does not compete with the node for CPU while timed;
//! 3. measures this machine's single-core strict Ed25519 verification rate
//!    on those very commitments (the node checks each one the same way);
//! 4. sends the `MEASURE` ballots over HTTP from `CLIENTS` keep-alive
//!    connections (a lean client, [`raw_http`], whose CPU share is reported)
//!    and reports durable (acknowledged, 201) ballots per second and the
//!    ratio to the raw verification rate;
//! 5. keeps casting (re-casts, signed on the fly) until the node holds
//!    `BALLOTS` ballots, reading the node's RSS (`/proc/PID/status`) every
//!    `RSS_EVERY` ballots, and prints the per-ballot slope.
//!
//! Environment: `BENCH_URL`, `BENCH_PID`, `BENCH_TOKEN_FILE` (set by the
//! script), and `VOTERS`, `MEASURE`, `BALLOTS`, `CLIENTS`, `RSS_EVERY`.

mod raw_http;

use pbnode_tests::client::Client;
use pbnode_tests::voter::SealedBallot;
use pbnode_tests::voting_setup::VotingProcess;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn env_or(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v
            .replace('_', "")
            .parse()
            .unwrap_or_else(|e| panic!("{name}={v}: {e}")),
        Err(_) => default,
    }
}

fn required(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set (run scripts/bench-ingest.sh)"))
}

/// `VmRSS` and `VmHWM` of a process, in KiB.
fn memory_kib(pid: &str) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_else(|e| panic!("/proc/{pid}/status: {e}"));
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("{name} in /proc/{pid}/status"))
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// CPU time (user + system) a process used so far, in seconds, from
/// `/proc/PID/stat` (fields 14 and 15, in clock ticks of 1/100 s on Linux).
fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .unwrap_or_else(|e| panic!("/proc/{pid}/stat: {e}"));
    // The command name (field 2) may hold spaces: count after its ')'.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<u64> = after
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    // `after` starts at field 3, so fields 14 and 15 are at 11 and 12.
    (fields[11] + fields[12]) as f64 / 100.0
}

/// The ballot number `k`: voter `k mod voters`, approving one project of
/// its district chosen by `k` (so successive rounds are re-casts).
fn ballot(process: &VotingProcess, k: u64) -> SealedBallot {
    let i = (k % process.voters.len() as u64) as usize;
    let (voter, district) = &process.voters[i];
    let projects = process.projects(district);
    let project = projects[(k / process.voters.len() as u64) as usize % projects.len()];
    voter.approve(process.id, district, &[project])
}

/// Sends every request of `requests` (built beforehand) from `clients`
/// threads, one keep-alive connection each; returns the count acknowledged
/// (201: durable). Any other answer is a failed benchmark.
fn send_all(authority: &str, requests: &[Vec<u8>], clients: usize) -> u64 {
    let next = AtomicUsize::new(0);
    let acknowledged = AtomicU64::new(0);
    std::thread::scope(|scope| {
        for _ in 0..clients {
            scope.spawn(|| {
                let mut connection = raw_http::Connection::open(authority)
                    .unwrap_or_else(|e| panic!("connecting to {authority}: {e}"));
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(request) = requests.get(k) else {
                        break;
                    };
                    match connection.send(request) {
                        Ok((201, _)) => {
                            acknowledged.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok((status, body)) => {
                            panic!("ballot {k}: {status} {}", String::from_utf8_lossy(&body))
                        }
                        Err(e) => panic!("ballot {k}: {e}"),
                    }
                }
            });
        }
    });
    acknowledged.into_inner()
}

fn main() {
    let url = required("BENCH_URL");
    let pid = required("BENCH_PID");
    let token = std::fs::read_to_string(required("BENCH_TOKEN_FILE"))
        .unwrap_or_else(|e| panic!("admin token: {e}"));
    let voters = env_or("VOTERS", 20_000) as u32;
    let measure = env_or("MEASURE", 2 * u64::from(voters));
    let total = env_or("BALLOTS", 200_000).max(measure);
    let clients = env_or("CLIENTS", 64) as usize;
    let rss_every = env_or("RSS_EVERY", 100_000);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());

    let (rss0, _) = memory_kib(&pid);
    let admin = Client::new(&url).with_token(token.trim());
    let started = Instant::now();
    let process = VotingProcess::setup(&admin, "bench", voters, 8);
    println!(
        "setup: {voters} voters registered over HTTP in {:.1} s; node RSS {rss0} KiB at start",
        started.elapsed().as_secs_f64()
    );

    // Sign before the clock starts, on every core.
    let signing = Instant::now();
    let ballots: Vec<SealedBallot> = std::thread::scope(|scope| {
        let chunk = measure.div_ceil(cores as u64);
        let workers: Vec<_> = (0..cores as u64)
            .map(|c| {
                let process = &process;
                scope.spawn(move || {
                    (c * chunk..((c + 1) * chunk).min(measure))
                        .map(|k| ballot(process, k))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    println!(
        "signed {measure} ballots client-side in {:.1} s (before timing)",
        signing.elapsed().as_secs_f64()
    );

    // The raw rate: strict single verification on one core, the node idle.
    let verify = Instant::now();
    for b in &ballots {
        b.commitment
            .verify(&b.commitment.value.voter)
            .unwrap_or_else(|e| panic!("own signature: {e}"));
    }
    let raw_rate = ballots.len() as f64 / verify.elapsed().as_secs_f64();

    let authority = raw_http::authority(&url).to_owned();
    let path = format!("/api/v1/processes/{}/ballots", process.id);
    let requests: Vec<Vec<u8>> = ballots
        .iter()
        .map(|b| raw_http::post(&authority, &path, b.body().to_string().as_bytes()))
        .collect();
    drop(ballots);
    let (rss_before, _) = memory_kib(&pid);
    let (node_cpu, own_cpu) = (cpu_seconds(&pid), cpu_seconds("self"));
    let timed = Instant::now();
    let acknowledged = send_all(&authority, &requests, clients);
    let elapsed = timed.elapsed().as_secs_f64();
    let node_cpu = cpu_seconds(&pid) - node_cpu;
    let own_cpu = cpu_seconds("self") - own_cpu;
    let durable_rate = acknowledged as f64 / elapsed;
    drop(requests);
    println!("machine: {cores} cores");
    println!("raw Ed25519 strict verify, one core: {raw_rate:.0} /s");
    println!(
        "durable ballots over HTTP: {durable_rate:.0} /s ({acknowledged} acknowledged in {elapsed:.2} s, {clients} keep-alive clients)"
    );
    println!(
        "ratio durable/raw: {:.0}% (target >= 50%)",
        100.0 * durable_rate / raw_rate
    );
    println!(
        "CPU while timed: node {node_cpu:.1} s ({:.0} us/ballot, {:.2} cores busy), \
         client {own_cpu:.1} s ({:.0} us/ballot, {:.0}% of the CPU both used), over {elapsed:.1} s wall",
        1e6 * node_cpu / acknowledged.max(1) as f64,
        node_cpu / elapsed,
        1e6 * own_cpu / acknowledged.max(1) as f64,
        100.0 * own_cpu / (own_cpu + node_cpu).max(f64::MIN_POSITIVE)
    );

    // Memory: keep casting until the node holds `total` ballots.
    let mut samples = vec![(0u64, rss_before), (acknowledged, memory_kib(&pid).0)];
    let held = AtomicU64::new(acknowledged);
    let done = AtomicBool::new(false);
    let loading = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..clients {
            scope.spawn(|| {
                let mut connection = raw_http::Connection::open(&authority)
                    .unwrap_or_else(|e| panic!("connecting to {authority}: {e}"));
                loop {
                    let k = held.fetch_add(1, Ordering::Relaxed);
                    if k >= total {
                        held.fetch_sub(1, Ordering::Relaxed);
                        break;
                    }
                    let body = ballot(&process, k).body().to_string();
                    match connection.send(&raw_http::post(&authority, &path, body.as_bytes())) {
                        Ok((201, _)) => {}
                        Ok((status, body)) => {
                            panic!("ballot {k}: {status} {}", String::from_utf8_lossy(&body))
                        }
                        Err(e) => panic!("ballot {k}: {e}"),
                    }
                }
            });
        }
        let mut next = (acknowledged / rss_every + 1) * rss_every;
        let (mut last, mut last_change) = (acknowledged, Instant::now());
        while !done.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(100));
            let now = held.load(Ordering::Relaxed);
            if now != last {
                (last, last_change) = (now, Instant::now());
            }
            // A client that failed panics in its thread; the others may
            // stop too: do not wait for ballots that will never come.
            assert!(
                last_change.elapsed() < Duration::from_secs(60),
                "no progress for 60 s at {now} ballots"
            );
            if now >= next || now >= total {
                let (rss, _) = memory_kib(&pid);
                println!("  {now:>9} ballots: node RSS {rss} KiB");
                samples.push((now, rss));
                next = (now / rss_every + 1) * rss_every;
                if now >= total {
                    done.store(true, Ordering::Relaxed);
                }
            }
        }
    });
    let load_time = loading.elapsed().as_secs_f64();
    let (rss, hwm) = memory_kib(&pid);
    println!(
        "loaded to {total} ballots in {load_time:.1} s ({:.0} /s with on-the-fly client signing)",
        (total - acknowledged) as f64 / load_time
    );
    println!("node memory holding {total} ballots: VmRSS {rss} KiB, VmHWM {hwm} KiB");
    // The slope between the first sample after the timed phase and the
    // last; sled's page cache is bounded, so the growth may flatten: the
    // per-interval slopes show whether it does.
    for pair in samples[1..].windows(2) {
        let ((a, ra), (b, rb)) = (pair[0], pair[1]);
        if b > a {
            let slope = (rb as f64 - ra as f64) * 1024.0 / (b - a) as f64;
            println!("  slope {a}..{b}: {slope:.0} bytes/ballot");
        }
    }
    let ((n1, r1), (n2, r2)) = (samples[1], samples[samples.len() - 1]);
    if n2 > n1 {
        let slope = (r2 as f64 - r1 as f64) * 1024.0 / (n2 - n1) as f64;
        println!("RSS slope {n1}..{n2} ballots: {slope:.0} bytes/ballot");
        if n2 < 1_000_000 {
            let extrapolated = r2 as f64 + slope * (1_000_000 - n2) as f64 / 1024.0;
            println!(
                "EXTRAPOLATED, not measured: RSS at 1,000,000 ballots ~ {:.0} MiB \
                 (linear from the slope; run BALLOTS=1000000 to measure)",
                extrapolated / 1024.0
            );
        }
    }
}
