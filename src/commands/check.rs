//! `vq-hook check`: audits an endpoint with the probes of `vq_hook::check`
//! and reports a table (live, one row per probe), JSON, and optionally a
//! JUnit XML file for CI. Every input is validated, the report's directory
//! included, before the first request is sent.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use colored::Colorize;
use vq_hook::check::{self, junit_xml, Outcome, Plan, ProbeResult};
use vq_hook::values::format_duration;
use vq_hook::{target, term, Error, Result};

use super::report::emit;
use super::{overrides, prompt, send, Ui, NEGATIVE, SUCCESS};
use crate::cli::CheckArgs;

pub fn run(args: &CheckArgs, ui: Ui) -> Result<u8> {
    if args.overrides.payload.is_some() {
        return Err(Error::usage(
            "check sends every event type's sample; --payload cannot be used \
             (change the samples with --set and --unset)",
        ));
    }
    let report = args.report.as_deref().map(writable_report).transpose()?;
    let url = target::parse_url(&prompt::url(args.delivery.url.as_deref())?)?;
    let secret = prompt::secret(&args.secret)?;
    let (plan, warnings) = Plan::new(url, &secret, &overrides(&args.overrides))?;
    for w in &warnings {
        term::warn(w);
    }
    let Some(first) = plan.probes.first() else {
        return Err(Error::malformed("no probes to run"));
    };
    let sender = send::sender(&args.delivery, &first.request)?;

    // Rows go out as each probe ends: a slow endpoint shows progress.
    let live = !args.delivery.json && !ui.quiet;
    let table = Table::new(&plan);
    if live {
        emit(&format!("checking {}\n\n{}", plan.url, table.header()));
    }
    let outcome =
        send::runtime()?.block_on(check::run(&sender, &plan, args.delivery.timeout, |r| {
            if live {
                emit(&table.row(r));
            }
        }));

    if args.delivery.json {
        emit(&format!("{}\n", outcome.to_json()));
    } else {
        if live {
            emit(&failure_details(&outcome));
        }
        emit(&format!("{}\n", verdict(&outcome)));
    }
    if let Some(path) = report {
        write_atomically(&path, junit_xml(&outcome).as_bytes())?;
    }
    Ok(if outcome.passed() { SUCCESS } else { NEGATIVE })
}

/// Column layout, sized once from the plan so live rows line up.
pub(super) struct Table {
    name_width: usize,
}

impl Table {
    pub(super) fn new(plan: &Plan) -> Self {
        let name_width = plan.names().iter().map(String::len).max().unwrap_or(5);
        Table { name_width }
    }

    fn line(&self, name: &str, expected: &str, got: &str, time: &str, result: &str) -> String {
        format!(
            "{name:<w$}  {expected:<8}  {got:<7}  {time:<7}  {result}\n",
            w = self.name_width
        )
    }

    pub(super) fn header(&self) -> String {
        let text = self.line("PROBE", "EXPECTED", "GOT", "TIME", "RESULT");
        format!("{}\n", text.trim_end().bold())
    }

    pub(super) fn row(&self, r: &ProbeResult) -> String {
        let got = match r.status {
            Some(s) => s.to_string(),
            None if r.timed_out => "timeout".to_string(),
            None if r.name == check::TIMING_NAME => "-".to_string(),
            None => "error".to_string(),
        };
        // Padding is applied to the plain word: colour codes have no width.
        let result = if r.passed {
            "PASS".green().bold()
        } else {
            "FAIL".red().bold()
        };
        self.line(
            &r.name,
            &r.expected,
            &got,
            &format_duration(r.elapsed),
            &result.to_string(),
        )
    }
}

/// What each failure means and how to fix it, after the table. Probes that
/// failed the same way in a row (an endpoint that is down) share one line.
pub(super) fn failure_details(outcome: &Outcome) -> String {
    let mut groups: Vec<(Vec<&str>, &str)> = Vec::new();
    for r in outcome.results.iter().filter(|r| !r.passed) {
        let detail = r.detail.as_deref().unwrap_or("failed");
        match groups.last_mut() {
            Some((names, d)) if *d == detail => names.push(&r.name),
            _ => groups.push((vec![&r.name], detail)),
        }
    }
    let mut out = String::from("\n");
    for (names, detail) in &groups {
        let names = match names.as_slice() {
            [first, rest @ ..] if rest.len() > 2 => format!("{first} and {} more", rest.len()),
            _ => names.join(", "),
        };
        out.push_str(&format!(
            "{} {}: {detail}\n",
            "✗".red().bold(),
            names.bold()
        ));
    }
    if !groups.is_empty() {
        out.push('\n');
    }
    out
}

pub(super) fn verdict(outcome: &Outcome) -> String {
    let text = outcome.verdict();
    if outcome.passed() {
        text.green().bold().to_string()
    } else {
        text.red().bold().to_string()
    }
}

/// Checks that `--report FILE` can be written, before any probe runs, by
/// creating (and removing) a scratch file beside it.
fn writable_report(path: &Path) -> Result<PathBuf> {
    let shown = path.display();
    if path.is_dir() {
        return Err(Error::usage(format!(
            "--report {shown} is a directory; name a file, e.g. {shown}/junit.xml"
        )));
    }
    let dir = report_dir(path);
    if !dir.is_dir() {
        return Err(Error::usage(format!(
            "--report {shown}: the directory {} does not exist",
            dir.display()
        )));
    }
    let scratch = scratch_path(path);
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&scratch)
        .map_err(|e| {
            Error::usage(format!(
                "--report {shown}: cannot write in {}: {e}",
                dir.display()
            ))
        })?;
    let _ = fs::remove_file(&scratch);
    Ok(path.to_path_buf())
}

fn report_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A temporary name in the report's directory, so the final rename stays
/// on one file system and is atomic.
fn scratch_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".to_string());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    report_dir(path).join(format!(".{name}.{}.{nanos}.tmp", std::process::id()))
}

/// Writes the report through a temporary file and a rename, so a CI step
/// never reads half a report.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let scratch = scratch_path(path);
    let written = fs::File::create(&scratch)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| fs::rename(&scratch, path));
    written.map_err(|e| {
        let _ = fs::remove_file(&scratch);
        Error::io_on(format!("--report {}", path.display()), e)
    })
}
