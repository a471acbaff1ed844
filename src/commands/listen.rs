//! `vq-hook listen`: turns the flags into a receiver config, runs the
//! receiver on a tokio runtime until Ctrl-C or SIGTERM, and prints one
//! entry per request (human or JSON Lines) plus a summary on stderr.

use std::future::Future;
use std::io::Write;
use std::time::Duration;

use colored::Colorize;
use serde_json::json;
use vq_hook::listen::{self, Config, Entry, SignatureStatus, Summary};
use vq_hook::{events, target, term, Error, Result};

use super::{prompt, Ui, INTERRUPTED, SUCCESS};
use crate::cli::ListenArgs;

pub fn run(args: &ListenArgs, ui: Ui) -> Result<u8> {
    let config = config(args)?;
    let checked = config.secret.is_some();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io_on("the async runtime", e))?;

    let listener = runtime.block_on(listen::bind(config))?;
    if !listener.local_addr().ip().is_loopback() {
        term::warn(&format!(
            "listening on {}, which other machines can reach: only do this on a network you trust",
            listener.local_addr().ip()
        ));
    }
    let (shutdown, abandon) = shutdown_signals(&runtime, !args.json && !ui.quiet)?;
    ready(args, ui, &listener.url(), checked)?;

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Entry>();
    let (json, verbose, quiet) = (args.json, ui.verbose, ui.quiet);
    let printer = std::thread::spawn(move || {
        while let Some(entry) = rx.blocking_recv() {
            print_entry(&entry, json, verbose, quiet);
        }
    });
    let summary = runtime.block_on(async {
        tokio::select! {
            summary = listener.serve(tx, shutdown) => Some(summary),
            () = abandon => None,
        }
    });
    // Requests still running past the grace period are abandoned here, which
    // also closes the channel so the printer ends.
    runtime.shutdown_timeout(Duration::from_millis(200));
    let _ = printer.join();
    match summary {
        Some(summary) => {
            print_summary(&summary, args.json, ui.quiet);
            Ok(SUCCESS)
        }
        None => {
            eprintln!("Stopped at once: requests still in flight were abandoned.");
            Ok(INTERRUPTED)
        }
    }
}

fn config(args: &ListenArgs) -> Result<Config> {
    if args.forward_to.is_some() && !args.status.is_empty() {
        return Err(Error::usage(
            "--status and --forward-to cannot be combined: with --forward-to the app's status \
             is the answer",
        ));
    }
    let forward_to = args
        .forward_to
        .as_deref()
        .map(listen::parse_forward_url)
        .transpose()?;
    Ok(Config {
        host: args.host.clone(),
        port: args.port,
        secret: prompt::optional_secret(&args.secret)?,
        statuses: args.status.clone(),
        delay: args.delay,
        save_dir: args.save.clone(),
        forward_to,
        max_body: args.max_body,
    })
}

/// The one line tests and scripts wait for, flushed at once; details that
/// are not part of it go to stderr.
fn ready(args: &ListenArgs, ui: Ui, url: &str, checked: bool) -> Result<()> {
    let line = if args.json {
        json!({ "listening": url }).to_string()
    } else if checked {
        format!("Listening on {url} (signatures checked)")
    } else {
        format!("Listening on {url} (no secret: signatures unchecked)")
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")
        .and_then(|()| out.flush())
        .map_err(|e| Error::io_on("stdout", e))?;
    if !ui.quiet && !args.json {
        if let Some(dir) = &args.save {
            eprintln!("Saving each request in {}", dir.display());
        }
        if let Some(url) = &args.forward_to {
            eprintln!("Forwarding accepted requests to {}", target::mask_text(url));
        }
        eprintln!("Press Ctrl-C to stop.");
    }
    Ok(())
}

/// Futures for the first and the second Ctrl-C or SIGTERM: the first
/// stops the listener gracefully, the second abandons the requests in
/// flight. The handlers are installed here, before the ready line is
/// printed, so a signal sent as soon as the address is known is never
/// missed (and never kills the process outright).
fn shutdown_signals(
    runtime: &tokio::runtime::Runtime,
    chatty: bool,
) -> Result<(impl Future<Output = ()>, impl Future<Output = ()>)> {
    let _guard = runtime.enter();
    let (count, seen) = tokio::sync::watch::channel(0u32);
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let install = |kind| signal(kind).map_err(|e| Error::io_on("signal handler", e));
        let mut interrupt = install(SignalKind::interrupt())?;
        let mut terminate = install(SignalKind::terminate())?;
        runtime.spawn(async move {
            loop {
                tokio::select! {
                    _ = interrupt.recv() => {}
                    _ = terminate.recv() => {}
                }
                count.send_modify(|n| *n += 1);
            }
        });
    }
    #[cfg(not(unix))]
    runtime.spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
            count.send_modify(|n| *n += 1);
        }
    });
    let nth = |n: u32| {
        let mut seen = seen.clone();
        async move {
            let _ = seen.wait_for(|c| *c >= n).await;
        }
    };
    let first = nth(1);
    let second = nth(2);
    Ok((
        async move {
            first.await;
            if chatty {
                eprintln!("Stopping: finishing the requests in flight (Ctrl-C again to quit now).");
            }
        },
        second,
    ))
}

fn print_entry(entry: &Entry, json: bool, verbose: bool, quiet: bool) {
    let mut out = std::io::stdout().lock();
    let text = if json {
        serde_json::to_string(entry).unwrap_or_default()
    } else {
        human(entry, verbose, quiet)
    };
    // A closed stdout ends the process through SIGPIPE; other write errors
    // must not stop the receiver.
    let _ = writeln!(out, "{text}").and_then(|()| out.flush());
}

/// Bodies longer than this are summarised on a terminal, not printed.
const SHOWN_BODY: usize = 64 * 1024;

pub(super) fn human(e: &Entry, verbose: bool, quiet: bool) -> String {
    let status = if (200..300).contains(&e.status) {
        e.status.to_string().green().bold()
    } else {
        e.status.to_string().red().bold()
    };
    let signature = match e.signature {
        SignatureStatus::Valid => "valid".green(),
        SignatureStatus::Invalid => "invalid".red(),
        SignatureStatus::Missing => "missing".red(),
        SignatureStatus::Unchecked => "unchecked".yellow(),
    };
    let event = match e.event.as_deref() {
        Some(name) if events::lookup(name).is_some() => name.bold().to_string(),
        Some(name) => format!("{} (not a VisualQ event)", name.bold()),
        None => "(no event header)".dimmed().to_string(),
    };
    let mut lines = vec![format!(
        "{}  {} {}  {event}  delivery {}  signature {signature}{}  -> {status}",
        e.time.dimmed(),
        e.method,
        e.path,
        e.delivery.as_deref().unwrap_or("(none)"),
        if e.duplicate {
            "  duplicate".yellow().bold().to_string()
        } else {
            String::new()
        },
    )];
    if quiet {
        return lines.remove(0);
    }
    if let Some(why) = &e.error {
        lines.push(format!("  {} {why}", "note:".yellow()));
    }
    if let Some(path) = &e.saved {
        lines.push(format!("  saved {path}"));
    }
    if verbose {
        lines.extend(
            e.headers
                .iter()
                .map(|(k, v)| format!("  {}: {v}", k.cyan())),
        );
    }
    if e.raw_body.len() > SHOWN_BODY {
        lines.push(format!(
            "  ({} bytes of body: too long to show here; --save keeps it, --json prints it)",
            e.raw_body.len()
        ));
    } else {
        let body = term::render_body(&e.raw_body);
        if !body.is_empty() {
            lines.push(body);
        }
    }
    if let Some(f) = &e.forward {
        match f.status {
            Some(s) => lines.push(format!("  forwarded to {}: the app answered {s}", f.url)),
            None => lines.push(format!("  forwarded to {}: failed", f.url)),
        }
        if verbose {
            lines.extend(
                f.headers
                    .iter()
                    .map(|(k, v)| format!("  {}: {v}", k.cyan())),
            );
        }
        let app = term::render_body(&f.raw_body);
        if !app.is_empty() {
            lines.push(app);
        }
    }
    lines.join("\n")
}

fn print_summary(s: &Summary, json: bool, quiet: bool) {
    if json {
        eprintln!("{}", json!({ "summary": s }));
        return;
    }
    if quiet {
        return;
    }
    let answers: Vec<String> = s
        .statuses
        .iter()
        .map(|(k, v)| format!("{k} x{v}"))
        .collect();
    eprintln!(
        "Stopped after {} request(s): {} valid, {} invalid, {} missing, {} unchecked; \
         {} duplicate(s); {} saved; answers: {}",
        s.requests,
        s.valid,
        s.invalid,
        s.missing,
        s.unchecked,
        s.duplicates,
        s.saved,
        if answers.is_empty() {
            "none".to_string()
        } else {
            answers.join(", ")
        }
    );
}
