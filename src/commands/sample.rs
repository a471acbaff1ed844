//! `vq-hook sample`: the documented payload of an event, or of all of them.

use std::io::Write;

use vq_hook::events::EVENTS;
use vq_hook::payload::Payload;
use vq_hook::{term, Error, Result};

use super::{load_payload, SUCCESS};
use crate::cli::SampleArgs;

pub fn run(args: &SampleArgs) -> Result<u8> {
    let names: Vec<Option<&str>> = if args.all {
        if args.overrides.payload.is_some() {
            return Err(Error::usage(
                "--all prints the samples; it cannot be used with --payload",
            ));
        }
        EVENTS.iter().map(|e| Some(e.name)).collect()
    } else {
        vec![args.event.as_deref()]
    };

    // Render everything first so an error never leaves half the output.
    let mut text = Vec::new();
    for name in names {
        let payload = load_payload(name, &args.overrides)?;
        text.extend(render(&payload, args.compact));
    }
    std::io::stdout()
        .lock()
        .write_all(&text)
        .map_err(|e| Error::io_on("stdout", e))?;
    Ok(SUCCESS)
}

fn render(payload: &Payload, compact: bool) -> Vec<u8> {
    if compact {
        let mut line = serde_json::to_vec(&payload.value).expect("serialises");
        line.push(b'\n');
        line
    } else if term::color_enabled() && !payload.is_verbatim_file() {
        // Same layout as the documented text, with colour on a terminal;
        // piped output stays byte-exact because colour is off there.
        format!("{}\n", term::pretty_json(&payload.value)).into_bytes()
    } else {
        payload.pretty()
    }
}
