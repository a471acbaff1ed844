//! How a delivery reads on a terminal: a line per attempt as it ends, then
//! the final answer and a one-line verdict. Shared by `send` and `replay`.

use std::io::Write;

use colored::Colorize;
use vq_hook::delivery::{Attempt, Report, Request, PLATFORM_TIMEOUT};
use vq_hook::target;
use vq_hook::term::render_body;
use vq_hook::values::format_duration;

use super::Ui;

/// The line that opens a delivery, before its first attempt.
pub fn header(request: &Request, ui: Ui) -> String {
    let mut s = format!(
        "{} {}  {}  delivery {}\n",
        "POST".bold(),
        target::display(&request.url),
        shown_event(&request.event).cyan(),
        request.delivery_id
    );
    if ui.verbose {
        for (name, value) in &request.headers {
            s.push_str(&format!("  > {name}: {value}\n"));
        }
        s.push_str(&format!("  > ({} bytes of body)\n", request.body.len()));
    }
    s
}

/// One attempt, printed as soon as it ends: number, method and URL, status
/// and reason (or the transport error), time, and why it is or is not retried.
pub fn attempt_line(request: &Request, a: &Attempt) -> String {
    let took = format_duration(a.elapsed);
    let outcome = match (a.status, &a.error) {
        (Some(s), _) => {
            let text = format!("{s} {}", a.reason).trim_end().to_string();
            if a.succeeded() {
                text.green().bold()
            } else if (300..500).contains(&s) {
                text.red().bold()
            } else {
                text.yellow().bold()
            }
        }
        (None, Some(e)) => e.red().bold(),
        (None, None) => "no answer".red().bold(),
    };
    let mut s = format!(
        "  attempt {}  POST {}  {outcome}  {took}  {}\n",
        a.number,
        target::display(&request.url),
        a.why.dimmed()
    );
    if let Some(loc) = &a.location {
        s.push_str(&format!("    Location: {loc}\n"));
    }
    if let Some(note) = &a.retry_after_note {
        s.push_str(&format!("    {note}\n"));
    }
    if a.slow() && a.status.is_some() {
        s.push_str(&format!(
            "    {} the answer took {took}; VisualQ gives up after {}\n",
            "slow:".yellow().bold(),
            format_duration(PLATFORM_TIMEOUT)
        ));
    }
    s
}

/// The final answer's headers (with `-v`) and body, then the verdict.
pub fn footer(report: &Report, ui: Ui) -> String {
    let mut s = String::new();
    let last = report.attempts.last();
    if let Some(a) = last.filter(|_| !ui.quiet) {
        if ui.verbose {
            for (name, value) in &a.headers {
                s.push_str(&format!("  < {name}: {value}\n"));
            }
        }
        let body = render_body(&a.body);
        if !body.is_empty() {
            for line in body.lines() {
                s.push_str(&format!("  {line}\n"));
            }
            if a.body_len > a.body.len() {
                s.push_str(&format!(
                    "  ({} bytes in all; the first {} shown)\n",
                    a.body_len,
                    a.body.len()
                ));
            }
        }
    }
    if report.any_timeout() {
        s.push_str(&format!(
            "  {} an attempt timed out: the endpoint may still have processed the delivery, \
             and a retry can make a duplicate\n",
            "note:".yellow().bold()
        ));
    }
    s.push_str(&verdict(report));
    s
}

pub fn verdict(report: &Report) -> String {
    let n = report.attempts.len();
    let tries = if n == 1 {
        "1 attempt".to_string()
    } else {
        format!("{n} attempts")
    };
    let r = &report.request;
    if report.delivered() {
        format!(
            "{} {} to {} in {tries}\n",
            "delivered:".green().bold(),
            shown_event(&r.event),
            target::display(&r.url)
        )
    } else {
        let why = match report.attempts.last() {
            Some(Attempt {
                status: Some(s),
                reason,
                ..
            }) => format!("{s} {reason}").trim_end().to_string(),
            Some(Attempt { error: Some(e), .. }) => e.clone(),
            _ => "no answer".into(),
        };
        format!(
            "{} {} to {} after {tries} (last: {why})\n",
            "failed:".red().bold(),
            shown_event(&r.event),
            target::display(&r.url)
        )
    }
}

/// Writes and flushes at once, so attempts appear while the next one runs.
pub fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// The event for a line of output; a replayed capture may have none.
fn shown_event(event: &str) -> &str {
    if event.is_empty() {
        "(no event)"
    } else {
        event
    }
}
