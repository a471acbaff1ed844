//! Delivering a webhook the way VisualQ does: the request ([`request`]),
//! the retry policy ([`retry`]) and the attempts over HTTP ([`client`]).

pub mod client;
pub mod direct;
pub mod prepared;
pub mod replay;
pub mod request;
pub mod retry;

pub use client::{Attempt, Policy, Report, Sender, Tls, PLATFORM_TIMEOUT, SLOW};
pub use request::{parse_header, Request, Signing};
