//! The shared webhook secret: where it comes from and how it is kept out of
//! every output.
//!
//! A `Secret` prints as `(redacted)` through both `Debug` and `Display`, so a
//! stray `{:?}` in an error or log line cannot leak it.

use std::fmt;
use std::path::Path;

use crate::error::{Error, Result};

/// Environment variable read when neither `--secret` nor `--secret-file` is given.
pub const SECRET_ENV: &str = "VQ_HOOK_SECRET";

/// Where a secret was taken from; shown to the user instead of the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretSource {
    Flag(usize),
    File(String),
    Env,
    Generated,
}

impl fmt::Display for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretSource::Flag(0) => f.write_str("--secret"),
            SecretSource::Flag(n) => write!(f, "--secret #{}", n + 1),
            SecretSource::File(p) => write!(f, "--secret-file {p}"),
            SecretSource::Env => f.write_str(SECRET_ENV),
            SecretSource::Generated => f.write_str("generated secret"),
        }
    }
}

/// An HMAC key. Its bytes are only reachable through [`Secret::expose`].
#[derive(Clone)]
pub struct Secret {
    bytes: Vec<u8>,
    source: SecretSource,
}

impl Secret {
    pub fn new(bytes: impl Into<Vec<u8>>, source: SecretSource) -> Self {
        Secret {
            bytes: bytes.into(),
            source,
        }
    }

    /// A secret given on the command line, taken verbatim.
    pub fn from_flag(value: &str, index: usize) -> Self {
        Secret::new(value.as_bytes(), SecretSource::Flag(index))
    }

    /// A secret read from a file, with one trailing LF or CRLF removed
    /// (editors and `echo` add one; nobody means it as part of the key).
    pub fn from_file(path: &Path) -> Result<Self> {
        let mut bytes = std::fs::read(path).map_err(|e| {
            Error::usage(format!("cannot read --secret-file {}: {e}", path.display()))
        })?;
        strip_one_newline(&mut bytes);
        if bytes.is_empty() {
            return Err(Error::usage(format!(
                "--secret-file {} is empty",
                path.display()
            )));
        }
        Ok(Secret::new(
            bytes,
            SecretSource::File(path.display().to_string()),
        ))
    }

    /// The secret from `VQ_HOOK_SECRET`, if set and non-empty.
    pub fn from_env() -> Option<Self> {
        let value = std::env::var_os(SECRET_ENV)?;
        let mut bytes = os_bytes(value);
        strip_one_newline(&mut bytes);
        (!bytes.is_empty()).then(|| Secret::new(bytes, SecretSource::Env))
    }

    /// A fresh random secret (for `demo`), formatted like a token.
    pub fn generate() -> Self {
        let value = format!("whsec_{}", uuid::Uuid::new_v4().simple());
        Secret::new(value.into_bytes(), SecretSource::Generated)
    }

    /// The key bytes. Call sites should only hand them to the HMAC.
    pub fn expose(&self) -> &[u8] {
        &self.bytes
    }

    pub fn source(&self) -> &SecretSource {
        &self.source
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

/// Resolves the secrets for a command in SPEC.md's order of precedence:
/// every `--secret`, else every `--secret-file`, else `VQ_HOOK_SECRET`.
/// Returns an empty list when none is given.
pub fn resolve(flags: &[String], files: &[std::path::PathBuf]) -> Result<Vec<Secret>> {
    if !flags.is_empty() {
        if let Some(i) = flags.iter().position(|s| s.is_empty()) {
            let which = SecretSource::Flag(i);
            return Err(Error::usage(format!("{which} is empty")));
        }
        return Ok(flags
            .iter()
            .enumerate()
            .map(|(i, s)| Secret::from_flag(s, i))
            .collect());
    }
    if !files.is_empty() {
        return files.iter().map(|p| Secret::from_file(p)).collect();
    }
    Ok(Secret::from_env().into_iter().collect())
}

fn strip_one_newline(bytes: &mut Vec<u8>) {
    if bytes.ends_with(b"\r\n") {
        bytes.truncate(bytes.len() - 2);
    } else if bytes.ends_with(b"\n") {
        bytes.truncate(bytes.len() - 1);
    }
}

#[cfg(unix)]
fn os_bytes(value: std::ffi::OsString) -> Vec<u8> {
    use std::os::unix::ffi::OsStringExt;
    value.into_vec()
}

#[cfg(not(unix))]
fn os_bytes(value: std::ffi::OsString) -> Vec<u8> {
    value.to_string_lossy().into_owned().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_printed() {
        let s = Secret::from_flag("hunter2", 0);
        assert_eq!(format!("{s} {s:?}"), "(redacted) (redacted)");
    }

    #[test]
    fn strips_exactly_one_newline() {
        for (input, want) in [
            (&b"k\n"[..], &b"k"[..]),
            (b"k\r\n", b"k"),
            (b"k\n\n", b"k\n"),
            (b"k ", b"k "),
        ] {
            let mut v = input.to_vec();
            strip_one_newline(&mut v);
            assert_eq!(v, want);
        }
    }
}
