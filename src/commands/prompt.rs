//! Asking for a missing event, URL or secret, only on an interactive
//! terminal. Anywhere else a missing value is an exit-2 error that names the
//! flag and the environment variable, so scripts never hang on a prompt.

use std::io::IsTerminal;

use dialoguer::{Input, Password, Select};
use vq_hook::events::EVENTS;
use vq_hook::secret::{self, Secret, SECRET_ENV};
use vq_hook::{Error, Result};

use crate::cli::SecretArgs;

fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

fn prompt_failed(e: dialoguer::Error) -> Error {
    Error::usage(format!("prompt cancelled: {e}"))
}

/// The secret from `--secret` or `--secret-file` only, never the
/// environment (for `replay`, where only an explicit flag re-signs).
pub fn flagged_secret(args: &SecretArgs) -> Result<Option<Secret>> {
    if args.secret.is_none() && args.secret_file.is_none() {
        return Ok(None);
    }
    optional_secret(args)
}

/// The secret from the flags or the environment, if any was given.
pub fn optional_secret(args: &SecretArgs) -> Result<Option<Secret>> {
    let found = secret::resolve(args.secret.as_slice(), args.secret_file.as_slice())?;
    Ok(found.into_iter().next())
}

/// The secret, asked for (hidden) on a terminal when none was given.
pub fn secret(args: &SecretArgs) -> Result<Secret> {
    if let Some(s) = optional_secret(args)? {
        return Ok(s);
    }
    if !interactive() {
        return Err(missing_secret());
    }
    let value = Password::new()
        .with_prompt("Shared secret")
        .interact()
        .map_err(prompt_failed)?;
    if value.is_empty() {
        return Err(missing_secret());
    }
    Ok(Secret::from_flag(&value, 0))
}

pub fn missing_secret() -> Error {
    Error::usage(format!(
        "no secret given: pass --secret S or --secret-file PATH, or set {SECRET_ENV}"
    ))
}

/// The target URL, asked for on a terminal when neither `--url` nor
/// `VQ_HOOK_URL` gave one.
pub fn url(given: Option<&str>) -> Result<String> {
    if let Some(u) = given.filter(|u| !u.is_empty()) {
        return Ok(u.to_string());
    }
    if !interactive() {
        return Err(Error::usage(
            "no URL given: pass --url URL or set VQ_HOOK_URL",
        ));
    }
    Input::<String>::new()
        .with_prompt("Endpoint URL")
        .interact_text()
        .map_err(prompt_failed)
}

/// The event, picked from the list on a terminal when none was given.
pub fn event(given: Option<&str>) -> Result<String> {
    if let Some(e) = given {
        return Ok(e.to_string());
    }
    if !interactive() {
        return Err(Error::usage(
            "no event given: name one (see 'vq-hook events'), or use --all or --payload FILE",
        ));
    }
    let names: Vec<&str> = EVENTS.iter().map(|e| e.name).collect();
    let index = Select::new()
        .with_prompt("Event to send")
        .items(&names)
        .default(0)
        .interact()
        .map_err(prompt_failed)?;
    Ok(names[index].to_string())
}
