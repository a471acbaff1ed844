//! `vq-hook events`: the catalogue of event types.

use std::io::Write;

use colored::Colorize;
use serde_json::{json, Value};
use vq_hook::events::EVENTS;
use vq_hook::{Error, Result};

use super::SUCCESS;
use crate::cli::EventsArgs;

pub fn run(args: &EventsArgs) -> Result<u8> {
    let mut out = std::io::stdout().lock();
    let text = if args.json { as_json() } else { as_table() };
    out.write_all(text.as_bytes())
        .map_err(|e| Error::io_on("stdout", e))?;
    Ok(SUCCESS)
}

fn as_json() -> String {
    let items: Vec<Value> = EVENTS
        .iter()
        .map(|e| {
            let sample: Value = serde_json::from_str(e.sample).expect("embedded samples parse");
            json!({
                "name": e.name,
                "description": e.description,
                "emitted": e.emitted,
                "selectable": e.selectable,
                "sample": sample,
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&items).expect("serialises");
    s.push('\n');
    s
}

fn as_table() -> String {
    let width = EVENTS.iter().map(|e| e.name.len()).max().unwrap_or(0);
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let mut s = format!(
        "{:width$}  {:7}  {:10}  {}\n",
        "EVENT".bold(),
        "EMITTED".bold(),
        "SELECTABLE".bold(),
        "WHEN".bold()
    );
    for e in EVENTS {
        s.push_str(&format!(
            "{:width$}  {:7}  {:10}  {}\n",
            e.name.cyan(),
            yes_no(e.emitted),
            yes_no(e.selectable),
            e.description
        ));
    }
    s
}
