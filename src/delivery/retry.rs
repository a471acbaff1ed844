//! VisualQ's retry policy as pure decisions: which answers are retried,
//! and how long to wait (`--retry-delay`, or a `Retry-After` capped at 10 s).

use std::time::{Duration, SystemTime};

/// The longest wait a `Retry-After` may impose.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(10);

/// How an attempt's result counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Class {
    /// A `2xx`: delivered.
    Success,
    /// A `5xx`, `429`, timeout or connection error: worth one retry.
    Retryable(String),
    /// Anything else: final.
    Final(String),
}

/// Classifies an attempt by its status, or by its transport error.
pub fn classify(status: Option<u16>, timed_out: bool) -> Class {
    match status {
        Some(s) if (200..300).contains(&s) => Class::Success,
        Some(429) => Class::Retryable("429 is retried".into()),
        Some(s) if (500..600).contains(&s) => Class::Retryable("5xx is retried".into()),
        Some(s) if (300..400).contains(&s) => {
            Class::Final("redirects are not followed (VisualQ does not follow them)".into())
        }
        Some(_) => Class::Final("a non-2xx answer other than 5xx or 429 is final".into()),
        None if timed_out => Class::Retryable("a timeout is retried like a 5xx".into()),
        None => Class::Retryable("a connection error is retried like a 5xx".into()),
    }
}

/// What a `Retry-After` header asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RetryAfter {
    /// A usable wait, already capped; `capped_from` is the asked-for wait
    /// when it was longer than [`MAX_RETRY_AFTER`].
    Wait {
        wait: Duration,
        capped_from: Option<Duration>,
    },
    /// A value that is neither seconds nor an HTTP date.
    Unreadable(String),
}

/// Reads a `Retry-After` value: delay-seconds or an HTTP date.
pub fn parse_retry_after(value: &str, now: SystemTime) -> RetryAfter {
    let v = value.trim();
    let asked = if let Ok(secs) = v.parse::<u64>() {
        Duration::from_secs(secs)
    } else if let Ok(when) = httpdate::parse_http_date(v) {
        when.duration_since(now).unwrap_or(Duration::ZERO)
    } else {
        return RetryAfter::Unreadable(v.to_string());
    };
    if asked > MAX_RETRY_AFTER {
        RetryAfter::Wait {
            wait: MAX_RETRY_AFTER,
            capped_from: Some(asked),
        }
    } else {
        RetryAfter::Wait {
            wait: asked,
            capped_from: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_policy() {
        for s in [500, 502, 503, 504, 429] {
            assert!(
                matches!(classify(Some(s), false), Class::Retryable(_)),
                "{s}"
            );
        }
        for s in [400, 401, 404, 410, 422, 301, 302, 303, 307, 308, 100] {
            assert!(matches!(classify(Some(s), false), Class::Final(_)), "{s}");
        }
        assert_eq!(classify(Some(204), false), Class::Success);
        assert!(matches!(classify(None, true), Class::Retryable(m) if m.contains("timeout")));
        assert!(matches!(classify(None, false), Class::Retryable(m) if m.contains("connection")));
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        let wait = |w| RetryAfter::Wait {
            wait: Duration::from_secs(w),
            capped_from: None,
        };
        assert_eq!(parse_retry_after("3", now), wait(3));
        assert_eq!(
            parse_retry_after("120", now),
            RetryAfter::Wait {
                wait: MAX_RETRY_AFTER,
                capped_from: Some(Duration::from_secs(120))
            }
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(5));
        assert_eq!(parse_retry_after(&date, now), wait(5));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(5));
        assert_eq!(parse_retry_after(&past, now), wait(0));
        assert_eq!(
            parse_retry_after("soon", now),
            RetryAfter::Unreadable("soon".into())
        );
        assert!(matches!(
            parse_retry_after("-1", now),
            RetryAfter::Unreadable(_)
        ));
    }
}
