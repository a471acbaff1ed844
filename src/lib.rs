//! vq-hook's domain: VisualQ's events and samples, payload rendering, the
//! signature scheme and secrets, capture parsing and verification, delivery
//! with VisualQ's retry policy, the local listener, and the endpoint audit.
//! The `vq-hook` binary wires its commands to these modules.

pub mod capture;
pub mod check;
pub mod delivery;
pub mod error;
pub mod events;
pub mod hints;
pub mod listen;
pub mod load;
pub mod payload;
pub mod secret;
pub mod signature;
pub mod target;
pub mod term;
pub mod values;
pub mod verify;

pub use error::{Error, Result};
