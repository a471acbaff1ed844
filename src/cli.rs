//! The command-line surface: every command, flag and environment variable
//! of SPEC.md, declared with clap's derive API. Help text lives here as doc
//! comments; behaviour lives in `commands/` and the library.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use serde_json::Value;
use vq_hook::events::check_run_type;
use vq_hook::payload::{parse_path, parse_set, Path};
use vq_hook::values::{parse_duration, parse_size};

/// Send, sign, verify and receive VisualQ webhooks.
#[derive(Debug, Parser)]
#[command(name = "vq-hook", version, about, max_term_width = 100)]
pub struct Cli {
    /// When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Print only the verdict (and errors)
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Show more of each exchange (response headers, request details)
    #[arg(short, long, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the command line like `Parser::try_parse`, and also records
    /// where each `--set` and `--unset` stood, so they apply in that order.
    pub fn parse_ordered() -> Result<Self, clap::Error> {
        let matches = Self::command().try_get_matches()?;
        let mut cli = Self::from_arg_matches(&matches)?;
        let overrides = match &mut cli.command {
            Command::Sample(a) => Some(&mut a.overrides),
            Command::Send(a) => Some(&mut a.overrides),
            Command::Check(a) => Some(&mut a.overrides),
            _ => None,
        };
        if let (Some(o), Some((_, sub))) = (overrides, matches.subcommand()) {
            let at = |id| {
                sub.indices_of(id)
                    .map(Iterator::collect)
                    .unwrap_or_default()
            };
            o.set_at = at("set");
            o.unset_at = at("unset");
        }
        Ok(cli)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the event types VisualQ sends
    Events(EventsArgs),
    /// Print the documented sample payload of an event
    Sample(SampleArgs),
    /// Print the signature header value for a body
    Sign(SignArgs),
    /// Deliver a signed event to an endpoint, with VisualQ's retry policy
    Send(SendArgs),
    /// Check whether a captured request's signature is authentic
    Verify(VerifyArgs),
    /// Receive deliveries on a local port, verify and show them
    Listen(ListenArgs),
    /// Re-send a request saved by `listen --save`
    Replay(ReplayArgs),
    /// Audit an endpoint the way VisualQ will treat it (for CI)
    Check(CheckArgs),
    /// A self-contained tour: a local listener audited by `check`
    Demo(DemoArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Print a JSON array instead of a table
    #[arg(long)]
    pub json: bool,
}

/// Changes to the payload, shared by `sample`, `send` and `check`.
#[derive(Debug, Args, Default)]
pub struct OverrideArgs {
    /// Set `projectId`
    #[arg(long, value_name = "ID")]
    pub project_id: Option<String>,
    /// Set `projectName`
    #[arg(long, value_name = "NAME")]
    pub project_name: Option<String>,
    /// Set `projectSlug`
    #[arg(long, value_name = "SLUG")]
    pub project_slug: Option<String>,
    /// Set `runId`
    #[arg(long, value_name = "ID")]
    pub run_id: Option<String>,
    /// Set `runType` (vrt-test, perf-test, seo-test, tracking-test, baseline)
    #[arg(long, value_name = "TYPE", value_parser = parse_run_type)]
    pub run_type: Option<String>,
    /// Set a field: PATH is dotted (data.failed), VALUE is JSON if it parses, else a string
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_set)]
    pub set: Vec<(Path, Value)>,
    /// Remove a field (dotted path)
    #[arg(long = "unset", value_name = "PATH", value_parser = parse_path)]
    pub unset: Vec<Path>,
    /// Use this JSON file (or - for stdin) instead of the sample
    #[arg(long, value_name = "FILE")]
    pub payload: Option<PathBuf>,
    /// Command-line positions of the `--set` values (see [`Cli::parse_ordered`]).
    #[arg(skip)]
    pub set_at: Vec<usize>,
    /// Command-line positions of the `--unset` values.
    #[arg(skip)]
    pub unset_at: Vec<usize>,
}

fn parse_run_type(s: &str) -> Result<String, String> {
    check_run_type(s).map(|_| s.to_string())
}

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// The event type (see `vq-hook events`)
    #[arg(value_name = "EVENT", required_unless_present_any = ["all", "payload"])]
    pub event: Option<String>,
    /// Print every event's sample (JSON Lines with --compact)
    #[arg(long, conflicts_with = "event")]
    pub all: bool,
    /// One line, no spaces, as it is sent
    #[arg(long)]
    pub compact: bool,
    #[command(flatten)]
    pub overrides: OverrideArgs,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// The body to sign (default: stdin)
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub secret: SecretArgs,
}

/// One shared secret, from the flag, a file or `VQ_HOOK_SECRET`.
#[derive(Debug, Args, Default, Clone)]
pub struct SecretArgs {
    /// The shared secret, taken verbatim [env: VQ_HOOK_SECRET]
    #[arg(long, value_name = "S")]
    pub secret: Option<String>,
    /// Read the secret from a file (one trailing newline is dropped)
    #[arg(long, value_name = "PATH", conflicts_with = "secret")]
    pub secret_file: Option<PathBuf>,
}

/// How deliveries are made, shared by `send`, `replay` and `check`.
#[derive(Debug, Args, Clone)]
pub struct DeliveryArgs {
    /// The endpoint (http:// or https://)
    #[arg(long, env = "VQ_HOOK_URL", hide_env_values = true, value_name = "URL")]
    pub url: Option<String>,
    /// Give up on an attempt after this long
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_timeout,
          allow_hyphen_values = true)]
    pub timeout: Duration,
    /// Trust this CA certificate (PEM) in addition to the system's
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Skip TLS certificate verification (testing only)
    #[arg(short = 'k', long)]
    pub insecure: bool,
    /// Print JSON instead of the human report
    #[arg(long)]
    pub json: bool,
}

/// Retry behaviour, shared by `send` and `replay`.
#[derive(Debug, Args, Clone)]
pub struct RetryArgs {
    /// Wait this long before the retry (a Retry-After header wins)
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = parse_duration,
          allow_hyphen_values = true)]
    pub retry_delay: Duration,
    /// Make one attempt only
    #[arg(long)]
    pub no_retry: bool,
    /// Add a header, 'Name: value' (repeatable)
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// The event type (default: the payload's "event" field)
    #[arg(value_name = "EVENT")]
    pub event: Option<String>,
    /// Send every event type, one after another
    #[arg(long, conflicts_with = "event")]
    pub all: bool,
    #[command(flatten)]
    pub overrides: OverrideArgs,
    #[command(flatten)]
    pub secret: SecretArgs,
    #[command(flatten)]
    pub delivery: DeliveryArgs,
    #[command(flatten)]
    pub retry: RetryArgs,
    /// Send this signature header value instead of the real one
    #[arg(long, value_name = "VALUE")]
    pub signature: Option<String>,
    /// Send no signature header
    #[arg(long, conflicts_with = "signature")]
    pub unsigned: bool,
    /// Use this delivery id instead of a fresh UUID
    #[arg(long, value_name = "ID", conflicts_with = "repeat")]
    pub delivery_id: Option<String>,
    /// Print the exact HTTP request and send nothing
    #[arg(long, conflicts_with = "curl")]
    pub dry_run: bool,
    /// Print an equivalent curl command and send nothing
    #[arg(long)]
    pub curl: bool,
    /// Fire this many deliveries (load mode)
    #[arg(long, value_name = "N", value_parser = parse_count, allow_hyphen_values = true)]
    pub repeat: Option<u64>,
    /// With --repeat: at most this many in flight
    #[arg(long, value_name = "C", default_value_t = 1, requires = "repeat",
          value_parser = parse_concurrency, allow_hyphen_values = true)]
    pub concurrency: u32,
    /// With --repeat: give every delivery a fresh runId
    #[arg(long, requires = "repeat")]
    pub fresh_run_id: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The captured request (default: stdin); with --signature, the body alone
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Check this signature value against the input taken as a bare body
    #[arg(long, value_name = "VALUE")]
    pub signature: Option<String>,
    /// A shared secret; repeat for rotation (valid when any matches) [env: VQ_HOOK_SECRET]
    #[arg(long, value_name = "S")]
    pub secret: Vec<String>,
    /// Read a secret from a file (repeatable; combines with --secret for rotation)
    #[arg(long, value_name = "PATH")]
    pub secret_file: Vec<PathBuf>,
    /// Print a JSON object instead of the human report
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Address to bind (loopback unless told otherwise)
    #[arg(long, default_value = "127.0.0.1", value_name = "H")]
    pub host: String,
    /// Port to bind; 0 picks a free one
    #[arg(long, default_value_t = 8787, value_name = "P")]
    pub port: u16,
    #[command(flatten)]
    pub secret: SecretArgs,
    /// Answer with these status codes in turn, e.g. 503,200
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_status)]
    pub status: Vec<u16>,
    /// Wait this long before answering
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, allow_hyphen_values = true)]
    pub delay: Option<Duration>,
    /// Save every request, byte-exact, as a raw HTTP file in DIR
    #[arg(long, value_name = "DIR")]
    pub save: Option<PathBuf>,
    /// Relay each request to this local app and answer with its response
    #[arg(long, value_name = "URL")]
    pub forward_to: Option<String>,
    /// Answer 413 to larger bodies
    #[arg(long, value_name = "SIZE", default_value = "10MiB", value_parser = parse_size)]
    pub max_body: u64,
    /// One JSON object per request on stdout
    #[arg(long)]
    pub json: bool,
}

/// A timeout must leave an attempt some time: zero would fail every one.
fn parse_timeout(s: &str) -> Result<Duration, String> {
    let d = parse_duration(s)?;
    if d < Duration::from_millis(1) {
        return Err(format!("'{s}' is too short for a timeout (at least 1ms)"));
    }
    Ok(d)
}

/// A whole number of deliveries, at least 1.
fn parse_count(s: &str) -> Result<u64, String> {
    s.trim()
        .parse::<u64>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| format!("'{s}' is not a whole number of at least 1"))
}

/// Deliveries in flight: 1 to 10,000 (each holds a connection).
fn parse_concurrency(s: &str) -> Result<u32, String> {
    s.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=10_000).contains(n))
        .ok_or_else(|| format!("'{s}' is not a whole number from 1 to 10000"))
}

fn parse_status(s: &str) -> Result<u16, String> {
    s.trim()
        .parse::<u16>()
        .ok()
        .filter(|c| (200..=599).contains(c))
        .ok_or_else(|| format!("'{s}' is not an HTTP status code from 200 to 599"))
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// A raw HTTP request saved by `listen --save`
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Re-sign the body with this secret (otherwise the saved signature is sent)
    #[command(flatten)]
    pub secret: SecretArgs,
    #[command(flatten)]
    pub delivery: DeliveryArgs,
    #[command(flatten)]
    pub retry: RetryArgs,
}

/// `check` sends every sample, so a single `--payload` has no place there.
#[derive(Debug, Args)]
#[command(mut_arg("payload", |a| a.hide(true)))]
pub struct CheckArgs {
    #[command(flatten)]
    pub secret: SecretArgs,
    #[command(flatten)]
    pub delivery: DeliveryArgs,
    #[command(flatten)]
    pub overrides: OverrideArgs,
    /// Write a JUnit XML report to FILE
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
