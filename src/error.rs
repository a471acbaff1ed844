//! The one error type that crosses module boundaries, and its exit code.
//!
//! Negative results (a failed delivery, an invalid signature, a failed probe)
//! are *not* errors: commands return them as exit code 1 themselves. Every
//! `Error` means the user's input or environment was wrong, so every one of
//! them exits 2, as SPEC.md requires.

use std::io;
use std::path::Path;

/// What went wrong before a command could produce a result.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A flag, argument or value that cannot be used.
    #[error("{0}")]
    Usage(String),
    /// Input that was read but does not have the expected shape.
    #[error("{0}")]
    Malformed(String),
    /// A file or stream that could not be read or written.
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: io::Error,
    },
}

impl Error {
    pub fn usage(msg: impl Into<String>) -> Self {
        Error::Usage(msg.into())
    }

    pub fn malformed(msg: impl Into<String>) -> Self {
        Error::Malformed(msg.into())
    }

    /// Wraps an I/O error with the path it happened on.
    pub fn io(path: &Path, source: io::Error) -> Self {
        Error::Io {
            what: path.display().to_string(),
            source,
        }
    }

    /// Wraps an I/O error with a free-form description of the stream.
    pub fn io_on(what: impl Into<String>, source: io::Error) -> Self {
        Error::Io {
            what: what.into(),
            source,
        }
    }

    /// Every error is a usage or input error (SPEC.md: exit 2).
    pub fn exit_code(&self) -> u8 {
        2
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
