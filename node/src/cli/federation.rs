//! `pbnode federation`: make and read the signed federation manifest, and
//! read a region's dataset of its members' processes.
//!
//! The workflow: each node's operator runs `pbnode federation id --data DIR`
//! and sends the printed `[[members]]` block to the region; the region
//! collects them in one TOML file and signs it with
//! `pbnode federation manifest --data REGION_DIR --members FILE --out FILE`;
//! every node gets the manifest file and pins the region's key as
//! `federation.trusted_signer`.

use crate::client::{Client, DEFAULT_TIMEOUT};
use crate::config::{CONFIG_FILE, load};
use crate::secrets::load_node_key;
use pbnode_protocol::crypto::{PublicKey, Signable, Signed};
use pbnode_protocol::federation::{FederationManifest, Member, MemberRole};
use pbnode_protocol::recount::aggregate::{RegionalDataset, VerificationStatus};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `pbnode federation`.
#[derive(Debug, clap::Args)]
pub struct FederationArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: FederationCommand,
}

/// The `pbnode federation` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum FederationCommand {
    /// Print this node's `[[members]]` entry for the region's manifest file.
    Id(IdArgs),
    /// Sign a manifest from a members file with this (region) node's key.
    Manifest(ManifestArgs),
    /// Check a manifest file against the trusted region key and print it.
    Show(ShowArgs),
    /// Print a region's dataset of its members' processes
    /// (`GET /api/v1/federation/dataset`).
    Dataset(DatasetArgs),
}

/// Arguments of `pbnode federation dataset`.
#[derive(Debug, clap::Args)]
pub struct DatasetArgs {
    /// The region node's URL.
    #[arg(long, value_name = "URL")]
    pub node: String,
    /// Print the JSON as served instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `pbnode federation id`.
#[derive(Debug, clap::Args)]
pub struct IdArgs {
    /// The node's data directory.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// The node's role: municipality or region.
    #[arg(long, default_value = "municipality")]
    pub role: String,
    /// The slug of the region the node belongs to.
    #[arg(long, value_name = "SLUG")]
    pub parent: Option<String>,
    /// A libp2p multiaddress where the node can be reached (repeatable).
    #[arg(long = "address", value_name = "MULTIADDR")]
    pub addresses: Vec<String>,
}

/// Arguments of `pbnode federation manifest`.
#[derive(Debug, clap::Args)]
pub struct ManifestArgs {
    /// The signing (region) node's data directory.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// The members file: `federation`, `version`, and `[[members]]` blocks.
    #[arg(long, value_name = "FILE")]
    pub members: PathBuf,
    /// Where to write the signed manifest (JSON).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// Arguments of `pbnode federation show`.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The signed manifest (JSON).
    pub file: PathBuf,
    /// The hex key the manifest must be signed with.
    #[arg(long, value_name = "HEX")]
    pub signer: String,
}

/// Why a federation command failed.
#[derive(Debug, thiserror::Error)]
pub enum FederationCliError {
    /// A file could not be read or written.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The input does not describe a valid manifest.
    #[error("{0}")]
    Invalid(String),
}

/// The members file the region signs.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MembersFile {
    federation: String,
    version: u64,
    members: Vec<MemberEntry>,
}

/// One `[[members]]` block.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberEntry {
    slug: String,
    name: String,
    key: String,
    role: String,
    parent: Option<String>,
    #[serde(default)]
    addresses: Vec<String>,
}

fn file_error(path: &Path, message: impl ToString) -> FederationCliError {
    FederationCliError::File {
        path: path.to_owned(),
        message: message.to_string(),
    }
}

fn parse_role(role: &str) -> Result<MemberRole, FederationCliError> {
    match role {
        "municipality" => Ok(MemberRole::Municipality),
        "region" => Ok(MemberRole::Region),
        other => Err(FederationCliError::Invalid(format!(
            "role {other:?}: expected \"municipality\" or \"region\""
        ))),
    }
}

fn role_name(role: MemberRole) -> &'static str {
    match role {
        MemberRole::Municipality => "municipality",
        MemberRole::Region => "region",
    }
}

/// Renders this node's `[[members]]` block.
pub fn member_block(args: &IdArgs) -> Result<String, FederationCliError> {
    let role = role_name(parse_role(&args.role)?);
    let config_path = args.data.join(CONFIG_FILE);
    let config = load(Some(&config_path), &[], &Default::default())
        .map_err(|e| file_error(&config_path, e))?
        .config;
    let key = load_node_key(&args.data).map_err(|e| file_error(&args.data, e))?;
    let quote = |s: &str| toml::Value::String(s.to_owned()).to_string();
    let mut out = String::from("[[members]]\n");
    out.push_str(&format!("slug = {}\n", quote(&config.slug)));
    out.push_str(&format!("name = {}\n", quote(&config.name)));
    out.push_str(&format!("key = \"{}\"\n", key.public_key()));
    out.push_str(&format!("role = \"{role}\"\n"));
    if let Some(parent) = &args.parent {
        out.push_str(&format!("parent = {}\n", quote(parent)));
    }
    let addresses: Vec<String> = args.addresses.iter().map(|a| quote(a)).collect();
    out.push_str(&format!("addresses = [{}]\n", addresses.join(", ")));
    Ok(out)
}

/// Reads a members file and signs the manifest with the node key of `data`.
pub fn sign_manifest(
    data: &Path,
    members: &Path,
    issued_at: u64,
) -> Result<Signed<FederationManifest>, FederationCliError> {
    let text = std::fs::read_to_string(members).map_err(|e| file_error(members, e))?;
    let file: MembersFile = toml::from_str(&text).map_err(|e| file_error(members, e))?;
    let key = load_node_key(data).map_err(|e| file_error(data, e))?;
    let mut entries = Vec::with_capacity(file.members.len());
    for m in file.members {
        let member_key: PublicKey = m
            .key
            .parse()
            .map_err(|e| FederationCliError::Invalid(format!("member {:?}: key: {e}", m.slug)))?;
        entries.push(Member {
            slug: m.slug,
            name: m.name,
            key: member_key,
            role: parse_role(&m.role)?,
            parent: m.parent,
            addresses: m.addresses,
        });
    }
    entries.sort_by(|a, b| a.slug.cmp(&b.slug));
    let manifest = FederationManifest {
        federation: file.federation,
        version: file.version,
        issued_at,
        signer: key.public_key(),
        members: entries,
    };
    manifest
        .check()
        .map_err(|e| FederationCliError::Invalid(e.to_string()))?;
    manifest
        .sign(&key)
        .map_err(|e| FederationCliError::Invalid(e.to_string()))
}

/// Reads a signed manifest file and checks it against `signer`.
pub fn read_manifest(
    path: &Path,
    signer: &PublicKey,
) -> Result<Signed<FederationManifest>, FederationCliError> {
    let text = std::fs::read_to_string(path).map_err(|e| file_error(path, e))?;
    let signed: Signed<FederationManifest> =
        serde_json::from_str(&text).map_err(|e| file_error(path, e))?;
    pbnode_protocol::federation::manifest::verify_signed(&signed, signer)
        .map_err(|e| file_error(path, e))?;
    Ok(signed)
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The dataset as a table: one line per member process, then the sums.
fn dataset_table(dataset: &RegionalDataset) -> String {
    let mut out = String::new();
    for row in &dataset.members {
        let (status, participation) = match (&row.status, &row.participation) {
            (VerificationStatus::Ok, Some(p)) => (
                "verified".to_owned(),
                format!("{}/{} ballots", p.ballots_counted, p.credentials),
            ),
            (VerificationStatus::Ok, None) => ("verified".to_owned(), String::new()),
            (VerificationStatus::Failed(why), _) => (format!("FAILED: {why}"), String::new()),
        };
        out.push_str(&format!(
            "{:<20} {:<16} budget {} {}  {participation}  {status}\n",
            row.name, row.slug, row.budget, row.currency
        ));
        for f in &row.by_category {
            out.push_str(&format!(
                "    category {:<16} {} projects, {}\n",
                f.key, f.projects, f.amount
            ));
        }
    }
    for t in &dataset.totals {
        out.push_str(&format!(
            "total {}: {} verified processes, budget {}, {} ballots of {} credentials\n",
            t.currency,
            t.processes,
            t.budget,
            t.participation.ballots_counted,
            t.participation.credentials
        ));
    }
    out
}

fn dataset(args: &DatasetArgs) -> Result<String, FederationCliError> {
    let client = Client::new(&args.node, DEFAULT_TIMEOUT)
        .map_err(|e| FederationCliError::Invalid(e.to_string()))?;
    let dataset: RegionalDataset = client
        .get_json("/federation/dataset")
        .map_err(|e| FederationCliError::Invalid(e.to_string()))?;
    if args.json {
        let json = serde_json::to_string_pretty(&dataset)
            .map_err(|e| FederationCliError::Invalid(e.to_string()))?;
        return Ok(json + "\n");
    }
    Ok(dataset_table(&dataset))
}

fn run(command: &FederationCommand) -> Result<String, FederationCliError> {
    match command {
        FederationCommand::Id(args) => member_block(args),
        FederationCommand::Dataset(args) => dataset(args),
        FederationCommand::Manifest(args) => {
            let signed = sign_manifest(&args.data, &args.members, now())?;
            let json = serde_json::to_string_pretty(&signed)
                .map_err(|e| FederationCliError::Invalid(e.to_string()))?;
            std::fs::write(&args.out, json + "\n").map_err(|e| file_error(&args.out, e))?;
            Ok(format!(
                "Signed manifest of {:?} version {} ({} members) written to {}\n",
                signed.value.federation,
                signed.value.version,
                signed.value.members.len(),
                args.out.display()
            ))
        }
        FederationCommand::Show(args) => {
            let signer: PublicKey = args
                .signer
                .parse()
                .map_err(|e| FederationCliError::Invalid(format!("--signer: {e}")))?;
            let signed = read_manifest(&args.file, &signer)?;
            let m = &signed.value;
            let mut out = format!(
                "federation {} version {} (valid signature by {})\n",
                m.federation, m.version, m.signer
            );
            for member in &m.members {
                out.push_str(&format!(
                    "  {:<20} {:<12} {} parent={} {}\n",
                    member.slug,
                    role_name(member.role),
                    member.key,
                    member.parent.as_deref().unwrap_or("-"),
                    member.addresses.join(" ")
                ));
            }
            Ok(out)
        }
    }
}

/// Runs `pbnode federation` and reports failures (exit code 2).
pub fn main(args: &FederationArgs) -> ExitCode {
    match run(&args.command) {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("pbnode federation: {e}");
            ExitCode::from(2)
        }
    }
}
