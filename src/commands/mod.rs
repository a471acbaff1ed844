//! One module per command. Each turns parsed flags into calls on the
//! library and prints the result; shared input handling lives here.

mod check;
mod demo;
mod events;
mod listen;
mod load;
mod prompt;
mod replay;
mod report;
mod sample;
mod send;
mod sign;
mod verify;

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use vq_hook::payload::{Edit, Overrides, Payload};
use vq_hook::{events as catalogue, term, Error, Result};

use crate::cli::{Cli, Command, OverrideArgs};

/// Exit codes, as SPEC.md numbers them.
pub const SUCCESS: u8 = 0;
pub const NEGATIVE: u8 = 1;
/// A second Ctrl-C: the shell's convention for death by SIGINT.
pub const INTERRUPTED: u8 = 130;

/// Output options every command honours.
#[derive(Clone, Copy, Debug)]
pub struct Ui {
    pub quiet: bool,
    pub verbose: bool,
}

pub fn run(cli: Cli) -> Result<u8> {
    let ui = Ui {
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    match cli.command {
        Command::Events(args) => events::run(&args),
        Command::Sample(args) => sample::run(&args),
        Command::Sign(args) => sign::run(&args),
        Command::Send(args) => send::run(&args, ui),
        Command::Verify(args) => verify::run(&args, ui),
        Command::Listen(args) => listen::run(&args, ui),
        Command::Replay(args) => replay::run(&args, ui),
        Command::Check(args) => check::run(&args, ui),
        Command::Demo(args) => demo::run(&args, ui),
        Command::Completions(args) => {
            use clap::CommandFactory;
            let mut cmd = Cli::command();
            clap_complete::generate(args.shell, &mut cmd, "vq-hook", &mut std::io::stdout());
            Ok(SUCCESS)
        }
    }
}

/// Prints a clap error as one `vq-hook: error:` line (help and version go
/// to stdout with exit 0, as clap would).
pub fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        let code = if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            2
        } else {
            0
        };
        return ExitCode::from(code);
    }
    let text = e.to_string();
    let parts = text.lines().map(str::trim).filter(|l| {
        !l.is_empty() && !l.starts_with("Usage:") && !l.starts_with("For more information")
    });
    // One line: a list that a colon introduces, or a bracketed note, joins
    // with a space; separate remarks (a tip) with a semicolon.
    let mut line = String::new();
    for part in parts {
        if !line.is_empty() {
            let attach = line.ends_with(':') || part.starts_with('[');
            line.push_str(if attach { " " } else { "; " });
        }
        line.push_str(part);
    }
    term::error(line.strip_prefix("error: ").unwrap_or(&line));
    ExitCode::from(2)
}

/// Opens FILE for streaming, or stdin when FILE is absent or `-`; also
/// returns how to name the input in messages.
pub fn open_input(file: Option<&Path>) -> Result<(Box<dyn Read>, String)> {
    match file {
        Some(p) if p != Path::new("-") => {
            if p.is_dir() {
                return Err(Error::usage(format!(
                    "{} is a directory, not a file",
                    p.display()
                )));
            }
            let f = std::fs::File::open(p).map_err(|e| Error::io(p, e))?;
            Ok((Box::new(f), p.display().to_string()))
        }
        _ => Ok((Box::new(std::io::stdin().lock()), "stdin".to_string())),
    }
}

/// Reads FILE (or stdin) whole.
pub fn read_input(file: Option<&Path>) -> Result<(Vec<u8>, String)> {
    let (mut input, name) = open_input(file)?;
    let mut buf = Vec::new();
    input
        .read_to_end(&mut buf)
        .map_err(|e| Error::io_on(name.clone(), e))?;
    Ok((buf, name))
}

/// Collects the override flags into the library's form.
pub fn overrides(args: &OverrideArgs) -> Overrides {
    let mut fields = Vec::new();
    let named = [
        ("projectId", &args.project_id),
        ("projectName", &args.project_name),
        ("projectSlug", &args.project_slug),
        ("runId", &args.run_id),
        ("runType", &args.run_type),
    ];
    for (key, value) in named {
        if let Some(v) = value {
            fields.push((key, v.clone()));
        }
    }
    // Put --set and --unset back in command-line order (clap keeps each
    // flag's values apart; the positions say how they interleave).
    let sets = args.set.iter().zip(positions(&args.set_at, 0));
    let unsets = args
        .unset
        .iter()
        .zip(positions(&args.unset_at, args.set.len()));
    let mut edits: Vec<(usize, Edit)> = sets
        .map(|((path, value), at)| (at, Edit::Set(path.clone(), value.clone())))
        .chain(unsets.map(|(path, at)| (at, Edit::Unset(path.clone()))))
        .collect();
    edits.sort_by_key(|(at, _)| *at);
    Overrides {
        fields,
        edits: edits.into_iter().map(|(_, e)| e).collect(),
    }
}

/// The recorded positions, or (when none were recorded) a run of numbers
/// from `start`, which keeps the flags' own order.
fn positions(recorded: &[usize], start: usize) -> impl Iterator<Item = usize> + '_ {
    recorded.iter().copied().chain(start + recorded.len()..)
}

/// The payload for one event (or for `--payload` when `event` is None),
/// with overrides applied and warnings printed.
pub fn load_payload(event: Option<&str>, args: &OverrideArgs) -> Result<Payload> {
    let overrides = overrides(args);
    let (payload, warnings) = match &args.payload {
        Some(path) => {
            let (bytes, name) = read_input(Some(path))?;
            let name = if name == "stdin" {
                name
            } else {
                format!("--payload {name}")
            };
            Payload::from_bytes(bytes, &name, &overrides)?
        }
        None => {
            let name = event.ok_or_else(|| Error::usage("no event given"))?;
            Payload::from_sample(catalogue::find(name)?, &overrides)?
        }
    };
    for w in warnings {
        term::warn(&w);
    }
    Ok(payload)
}
