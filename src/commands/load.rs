//! `send --repeat N --concurrency C`: the load mode's progress bar, output
//! and summary.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use colored::Colorize;
use indicatif::{ProgressBar, ProgressStyle};
use vq_hook::delivery::{Policy, Request, Sender};
use vq_hook::load::{self, Summary};
use vq_hook::secret::Secret;
use vq_hook::values::format_duration;
use vq_hook::{term, Error, Result};

use super::{report, Ui, INTERRUPTED, NEGATIVE, SUCCESS};

pub struct Load<'a> {
    pub template: &'a Request,
    pub secret: Option<Secret>,
    pub fresh_run_id: bool,
    pub n: u64,
    pub concurrency: u32,
    pub json: bool,
}

pub fn run(load: Load<'_>, ui: Ui, sender: &Sender, policy: &Policy) -> Result<u8> {
    // One thread: each delivery is a short burst of CPU between socket
    // waits, and a thread pool only adds wake-ups across threads (measured:
    // more deliveries per second, less CPU, see BENCHMARKS.md).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io_on("the async runtime", e))?;
    let bar = progress_bar(load.n, load.json || ui.quiet);
    let job = load::Job {
        template: load.template.clone(),
        secret: load.secret.clone(),
        fresh_run_id: load.fresh_run_id,
        count: load.n,
        concurrency: load.concurrency,
    };
    let (json, tick) = (load.json, Arc::new(bar.clone()));
    // Reports are built only when printed (`--json`).
    let on_done = move |r: Option<&vq_hook::delivery::Report>| {
        if let Some(r) = r {
            report::emit(&format!("{}\n", r.to_json()));
        }
        tick.inc(1);
    };
    // Ctrl-C stops issuing deliveries; the ones in flight finish and the
    // summary still prints, as far as the run got.
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    runtime.spawn(async move {
        interrupted().await;
        flag.store(true, Ordering::Relaxed);
    });
    let summary = runtime.block_on(load::run(
        sender.clone(),
        *policy,
        job,
        json,
        on_done,
        Arc::clone(&stop),
    ));
    bar.finish_and_clear();
    let interrupted = stop.load(Ordering::Relaxed);
    if interrupted {
        term::warn(&format!(
            "interrupted: {} of {} deliveries were made",
            summary.delivered + summary.failed,
            load.n
        ));
    }
    if load.json {
        let mut v = summary.to_json();
        v["summary"]["requested"] = load.n.into();
        v["summary"]["interrupted"] = interrupted.into();
        report::emit(&format!("{v}\n"));
    } else if ui.quiet {
        report::emit(&format!(
            "delivered {}, failed {} of {} deliveries\n",
            summary.delivered, summary.failed, load.n
        ));
    } else {
        report::emit(&human(&summary, load.concurrency));
    }
    Ok(if interrupted {
        INTERRUPTED
    } else if summary.failed == 0 {
        SUCCESS
    } else {
        NEGATIVE
    })
}

/// Completes on Ctrl-C or SIGTERM (without the handler, SIGTERM would end
/// the run before its summary).
async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

fn progress_bar(n: u64, hidden: bool) -> ProgressBar {
    if hidden || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(n);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} deliveries  {per_sec}  eta {eta}")
            .expect("the template is valid"),
    );
    bar
}

fn human(s: &Summary, concurrency: u32) -> String {
    let total = s.delivered + s.failed;
    let mut out = format!(
        "{total} deliver{} at concurrency {concurrency} in {} ({:.1}/s)\n",
        if total == 1 { "y" } else { "ies" },
        format_duration(s.elapsed),
        s.per_second()
    );
    out.push_str(&format!(
        "  delivered {}  failed {}  attempts {}\n",
        s.delivered.to_string().green().bold(),
        if s.failed > 0 {
            s.failed.to_string().red().bold()
        } else {
            "0".normal()
        },
        s.attempts
    ));
    let statuses: Vec<String> = s
        .statuses
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    out.push_str(&format!("  final status  {}\n", statuses.join("  ")));
    out.push_str(&format!(
        "  latency  p50 {}  p90 {}  p99 {}  max {}\n",
        format_duration(s.latency.quantile(0.5)),
        format_duration(s.latency.quantile(0.9)),
        format_duration(s.latency.quantile(0.99)),
        format_duration(s.latency.max())
    ));
    if s.slow > 0 {
        out.push_str(&format!(
            "  {} {} attempts took over 8s (VisualQ gives up at 10s)\n",
            "slow:".yellow().bold(),
            s.slow
        ));
    }
    out
}
