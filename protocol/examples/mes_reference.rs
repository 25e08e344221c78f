//! Runs the MES rules on Pabulib files and compares them with
//! `tests/data/pabulib/expected.json` (pabutools 1.2.3), printing the time of
//! each rule. Usage:
//!
//! `cargo run --release -p pbnode-protocol --example mes_reference -- [DIR] [RULE...]`
//!
//! or, to print one outcome as JSON (used by `scripts/bench-tally.sh`):
//!
//! `… --example mes_reference -- --run RULE FILE.pb`

use pbnode_protocol::pabulib;
use pbnode_protocol::tally::{Explanation, Rule, TieBreak, tally};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--run") {
        let rule = Rule::parse(&args[1]).ok_or("unknown rule")?;
        let election = pabulib::parse_bytes(&std::fs::read(&args[2])?)?;
        let out = tally(rule, &election, TieBreak::default())?;
        let json = serde_json::json!({
            "rule": rule.name(),
            "selected": out.selected_ids_sorted(&election),
            "total_cost": out.total_cost.to_string(),
        });
        println!("{json}");
        return Ok(());
    }
    let dir = args
        .first()
        .cloned()
        .unwrap_or_else(|| "tests/data/pabulib".to_string());
    let rules: Vec<String> = if args.len() > 1 {
        args[1..].to_vec()
    } else {
        ["mes", "mes_add1", "mes_add1_greedy", "mes_exh"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/expected.json"))?)?;
    let files = expected["files"].as_object().ok_or("no files")?;
    let mut failures = 0;
    let skip = std::env::var("MES_SKIP").unwrap_or_default();
    for (name, file) in files {
        if !skip.is_empty() && skip.split(',').any(|s| name.contains(s)) {
            continue;
        }
        let election = pabulib::parse_bytes(&std::fs::read(format!("{dir}/{name}"))?)?;
        for rule_name in &rules {
            let rule = Rule::parse(rule_name).ok_or("unknown rule")?;
            let want = &file["rules"][rule.name()];
            if want["status"] != "ok" && rule != Rule::MesAdd1Comparison {
                continue;
            }
            let start = Instant::now();
            let out = tally(rule, &election, TieBreak::default())?;
            let secs = start.elapsed().as_secs_f64();
            let got = out.selected_ids_sorted(&election);
            let (runs, pv) = match &out.explanation {
                Explanation::Mes(ex) => (ex.runs, ex.per_voter_budget.clone()),
                _ => (None, None),
            };
            let want_sel: Vec<String> = if rule == Rule::MesAdd1Comparison {
                match file["pabulib_selected_column"].as_array() {
                    Some(a) if name.contains("Wieliczka") => a
                        .iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect(),
                    _ => continue,
                }
            } else {
                want["selected"]
                    .as_array()
                    .ok_or("no selected")?
                    .iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            };
            let mut ok = got == want_sel;
            if let Some(r) = want["mes_runs"].as_u64() {
                ok &= runs == Some(r);
            }
            if let Some(p) = want["per_voter_budget_of_returned_outcome"].as_str() {
                ok &= pv.as_deref() == Some(p);
            }
            if !ok {
                failures += 1;
            }
            println!(
                "{} {:<16} {:>9.3}s runs={:?} pv={:?} {}",
                if ok { "ok  " } else { "FAIL" },
                rule.name(),
                secs,
                runs,
                pv,
                name
            );
            if !ok {
                println!("   got  {got:?}\n   want {want_sel:?}");
            }
        }
    }
    if failures > 0 {
        return Err(format!("{failures} mismatches").into());
    }
    Ok(())
}
