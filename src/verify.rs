//! Deciding whether a body's signature is authentic: the body is streamed
//! through one HMAC per secret ([`Hasher`]), then the received values are
//! compared in constant time by [`signature::check`]. The verdict comes from
//! that comparison alone; [`hints`] only explains a failure afterwards.

use std::io::{self, Read};

use crate::hints::{self, SecretFix};
use crate::secret::Secret;
use crate::signature::{self, header_value, Check, Digest, Received, Signer};

/// How much of the body is kept in memory for printing and for hints that
/// need the whole body; beyond it the body is only hashed.
pub const KEEP_LIMIT: usize = 16 * 1024 * 1024;

/// Hashes a body, piece by piece, under every secret at once, and under the
/// repaired forms of each secret that hints may need (a secret with stray
/// quotes, say), so those hints work for bodies of any size too.
pub struct Hasher {
    signers: Vec<Signer>,
    variants: Vec<(usize, SecretFix, Signer)>,
    kept: Vec<u8>,
    total: u64,
}

/// What hashing a body produced.
pub struct Hashed {
    /// One digest per secret, in the order the secrets were given.
    pub expected: Vec<Digest>,
    /// Digests under repaired secrets: (secret index, repair, digest).
    pub secret_variants: Vec<(usize, SecretFix, Digest)>,
    /// The first [`KEEP_LIMIT`] bytes of the body.
    pub kept: Vec<u8>,
    /// The body's full length.
    pub total: u64,
}

impl Hashed {
    /// Whether [`Hashed::kept`] holds the whole body.
    pub fn complete(&self) -> bool {
        self.kept.len() as u64 == self.total
    }
}

impl Hasher {
    pub fn new(secrets: &[Secret]) -> Self {
        let signers = secrets.iter().map(|s| Signer::new(s.expose())).collect();
        let variants = secrets
            .iter()
            .enumerate()
            .flat_map(|(i, s)| {
                hints::secret_variants(s.expose())
                    .into_iter()
                    .map(move |(fix, key)| (i, fix, Signer::new(&key)))
            })
            .collect();
        Hasher {
            signers,
            variants,
            kept: Vec::new(),
            total: 0,
        }
    }

    pub fn update(&mut self, piece: &[u8]) {
        for s in &mut self.signers {
            s.update(piece);
        }
        for (_, _, s) in &mut self.variants {
            s.update(piece);
        }
        let room = KEEP_LIMIT.saturating_sub(self.kept.len());
        self.kept.extend_from_slice(&piece[..room.min(piece.len())]);
        self.total += piece.len() as u64;
    }

    /// Reads `body` to its end, piece by piece.
    pub fn consume(mut self, body: &mut impl Read) -> io::Result<Hashed> {
        signature::each_piece(body, |piece| {
            self.update(piece);
            Ok(())
        })?;
        Ok(self.finish())
    }

    pub fn finish(self) -> Hashed {
        Hashed {
            expected: self.signers.into_iter().map(Signer::finish).collect(),
            secret_variants: self
                .variants
                .into_iter()
                .map(|(i, fix, s)| (i, fix, s.finish()))
                .collect(),
            kept: self.kept,
            total: self.total,
        }
    }
}

/// The outcome of verifying one request.
#[derive(Clone, Debug)]
pub struct Verdict {
    pub check: Check,
    /// The header value each secret would produce, in secret order.
    pub expected: Vec<String>,
    /// Every value received, in order (all header lines, comma-split).
    pub received: Vec<Received>,
    /// Why it failed, when that can be told (empty when valid).
    pub hints: Vec<String>,
}

impl Verdict {
    pub fn valid(&self) -> bool {
        matches!(self.check, Check::Valid { .. })
    }

    /// The index of the secret that matched.
    pub fn secret(&self) -> Option<usize> {
        match self.check {
            Check::Valid { secret, .. } => Some(secret),
            _ => None,
        }
    }

    /// The expected value under the matching secret, else the first.
    pub fn expected_value(&self) -> &str {
        let i = self.secret().unwrap_or(0);
        self.expected.get(i).map_or("", String::as_str)
    }

    /// The matching received value, else the first (None when missing).
    pub fn received_value(&self) -> Option<&str> {
        let i = match self.check {
            Check::Valid { value, .. } => value,
            _ => 0,
        };
        self.received.get(i).map(|r| r.raw.as_str())
    }

    /// Whether every value received was malformed (none could match).
    pub fn all_malformed(&self) -> bool {
        !self.received.is_empty()
            && self
                .received
                .iter()
                .all(|r| matches!(r.parsed, signature::Parsed::Malformed { .. }))
    }
}

/// Compares the received values with the digests of the body; on failure,
/// works out hints.
pub fn judge(secrets: &[Secret], hashed: &Hashed, received: Vec<Received>) -> Verdict {
    let check = signature::check(&hashed.expected, &received);
    let hints = match check {
        Check::Valid { .. } => Vec::new(),
        Check::Invalid | Check::Missing => hints::explain(secrets, hashed, &received),
    };
    Verdict {
        check,
        expected: hashed.expected.iter().map(header_value).collect(),
        received,
        hints,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::{parse_values, sign};

    fn verdict(secrets: &[&str], body: &[u8], values: &[&str]) -> Verdict {
        let secrets: Vec<Secret> = secrets
            .iter()
            .enumerate()
            .map(|(i, s)| Secret::from_flag(s, i))
            .collect();
        let mut hasher = Hasher::new(&secrets);
        for piece in body.chunks(7) {
            hasher.update(piece);
        }
        let received = parse_values(values.iter().map(|v| v.as_bytes()));
        judge(&secrets, &hasher.finish(), received)
    }

    #[test]
    fn rotation_reports_the_matching_secret() {
        let good = sign(&Secret::from_flag("new", 0), b"body");
        let v = verdict(&["old", "new"], b"body", &["sha256=00", &good]);
        assert_eq!(
            v.check,
            Check::Valid {
                secret: 1,
                value: 1
            }
        );
        assert_eq!(
            (v.expected_value(), v.received_value()),
            (good.as_str(), Some(good.as_str()))
        );
        assert!(v.hints.is_empty());
    }

    #[test]
    fn missing_and_invalid() {
        let v = verdict(&["k"], b"body", &[]);
        assert_eq!(v.check, Check::Missing);
        assert_eq!(v.received_value(), None);
        let v = verdict(&["k"], b"body", &["sha256=nope"]);
        assert_eq!(v.check, Check::Invalid);
        assert!(v.all_malformed());
    }

    #[test]
    fn keeps_a_bounded_prefix() {
        let mut h = Hasher::new(&[Secret::from_flag("k", 0)]);
        let piece = vec![1u8; signature::PIECE];
        for _ in 0..(KEEP_LIMIT / signature::PIECE + 2) {
            h.update(&piece);
        }
        let hashed = h.finish();
        assert_eq!(hashed.kept.len(), KEEP_LIMIT);
        assert!(!hashed.complete());
    }
}
