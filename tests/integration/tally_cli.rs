//! `pbnode tally` as a user runs it: the real binary on a good file, a
//! malformed file and an unknown rule, checking output and exit codes.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The `pbnode` binary of the profile this test was built with. Cargo only
/// builds another package's binary when asked, so build it (a no-op when up
/// to date) into the same target directory first.
fn pbnode() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let exe = std::env::current_exe().unwrap();
        // <target>/<profile>/deps/integration-<hash>
        let profile_dir = exe.parent().and_then(Path::parent).unwrap();
        let target_dir = profile_dir.parent().unwrap();
        let profile = profile_dir.file_name().unwrap().to_str().unwrap();
        let cargo = option_env!("CARGO").unwrap_or("cargo");
        let mut build = Command::new(cargo);
        build
            .args([
                "build",
                "--quiet",
                "-p",
                "pbnode",
                "--bin",
                "pbnode",
                "--target-dir",
            ])
            .arg(target_dir)
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        if profile != "debug" {
            build.args(["--profile", profile]);
        }
        let status = build.status().unwrap();
        assert!(status.success(), "building pbnode failed");
        profile_dir.join(format!("pbnode{}", std::env::consts::EXE_SUFFIX))
    })
}

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("data/pabulib")
        .join(name)
}

fn run(args: &[&str], file: &Path) -> Output {
    Command::new(pbnode())
        .arg("tally")
        .args(args)
        .arg(file)
        .output()
        .unwrap()
}

#[test]
fn tally_prints_the_outcome_as_json() {
    let out = run(
        &["--rule", "greedy"],
        &data("Poland_Poznan_2024_6_-_Ogrody_Solacz_Winiary_Wola__small.pb"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["rule"], "greedy");
    assert_eq!(json["rule_version"], "1");
    assert_eq!(json["selected"], serde_json::json!(["RM-VI.3", "RM-VI.4"]));
    assert_eq!(json["total_cost"], "100000");
    let projects = json["explanation"]["projects"].as_array().unwrap();
    let skipped = projects.iter().find(|p| p["id"] == "RM-VI.2").unwrap();
    assert_eq!(skipped["decision"], "did_not_fit");
    assert_eq!(skipped["cost"], "45000");
    assert_eq!(skipped["remaining"], "0");
}

#[test]
fn tally_table_and_rule_spelling() {
    let out = run(
        &["--rule", "max-welfare", "--format", "table"],
        &data("Worldwide_Mechanical_Turk_Utilities_3.pb"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("rule max_welfare (version 1): "), "{text}");
    assert!(text.contains("The Sustainable Energy Pilot"), "{text}");
    assert!(
        text.lines().nth(1).unwrap().starts_with("project  name"),
        "{text}"
    );
}

#[test]
fn tally_phragmen_with_reversed_ties() {
    let out = run(
        &["--rule", "phragmen", "--tie-break", "largest-id"],
        &data("Netherlands_Assen_2024.pb"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["explanation"]["kind"], "phragmen");
    assert_eq!(json["explanation"]["rounds"][0]["load"], "1000/21");
}

#[test]
fn malformed_file_names_its_line_and_exits_2() {
    let dir = std::env::temp_dir().join(format!("pbnode-tally-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.pb");
    std::fs::write(
        &file,
        "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;50\n2;6O\nVOTES\nvoter_id;vote\n",
    )
    .unwrap();
    let out = run(&["--rule", "greedy"], &file);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("line 8") && err.contains("`cost`") && err.contains("6O"),
        "{err}"
    );
}

#[test]
fn unknown_or_inapplicable_rule_exits_2() {
    let out = run(
        &["--rule", "borda-magic"],
        &data("Netherlands_Assen_2024.pb"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown rule \"borda-magic\""));
    let out = run(&["--rule", "phragmen"], &data("France_Toulouse_2019.pb"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not apply to cumulative"));
}

#[test]
fn rule_all_runs_every_rule_that_applies() {
    // Ordinal ballots: no phragmen (approval only), greedy_score (points) or max_welfare.
    // Needs the MES family, which lands with the `feat-mes` branch.
    let file = data("US_Stanford_Dataset_Merced_Peoples_Budget_Ballot_2019_vote_rankings.pb");
    let out = run(&["--rule", "all"], &file);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "greedy",
            "mes",
            "mes_add1",
            "mes_add1_greedy",
            "mes_add1_comparison",
            "mes_exh"
        ]
    );
    for report in json.as_array().unwrap() {
        assert!(report["total_cost"].as_str().is_some(), "{report}");
    }
}
