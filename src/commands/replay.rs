//! `vq-hook replay`: re-send a request saved by `listen --save`, reported
//! exactly like `send`.

use vq_hook::delivery::replay::from_capture;
use vq_hook::{capture, target, term, Result};

use super::send::{deliver, policy, runtime, sender};
use super::{prompt, read_input, Ui, NEGATIVE, SUCCESS};
use crate::cli::ReplayArgs;

pub fn run(args: &ReplayArgs, ui: Ui) -> Result<u8> {
    let (bytes, name) = read_input(Some(&args.file))?;
    let capture = capture::load_named(&bytes, &name)?;
    if capture.extra_bytes > 0 {
        term::warn(&format!(
            "{name}: {} bytes after the body were ignored",
            capture.extra_bytes
        ));
    }
    let url = target::parse_url(&prompt::url(args.delivery.url.as_deref())?)?;

    // Only an explicit flag re-signs: VQ_HOOK_SECRET in the environment is
    // meant for signing new deliveries, and silently re-signing would hide
    // what the capture really carried.
    let resign = prompt::flagged_secret(&args.secret)?;

    let request = from_capture(&capture, url, resign.as_ref(), &args.retry.headers)?;
    let sender = sender(&args.delivery, &request)?;
    let policy = policy(&args.delivery, &args.retry);
    let report = runtime()?.block_on(deliver(&sender, &request, &policy, args.delivery.json, ui));
    Ok(if report.delivered() {
        SUCCESS
    } else {
        NEGATIVE
    })
}
