//! `vq-hook sign`: the signature header value for a body, streamed.

use std::io::Write;

use vq_hook::signature::{header_value, Signer};
use vq_hook::{Error, Result};

use super::{open_input, prompt, SUCCESS};
use crate::cli::SignArgs;

pub fn run(args: &SignArgs) -> Result<u8> {
    let secret = prompt::secret(&args.secret)?;
    let mut signer = Signer::new(secret.expose());
    let (mut reader, name) = open_input(args.file.as_deref())?;
    signer
        .consume(&mut reader)
        .map_err(|e| Error::io_on(name, e))?;
    writeln!(std::io::stdout(), "{}", header_value(&signer.finish()))
        .map_err(|e| Error::io_on("stdout", e))?;
    Ok(SUCCESS)
}
