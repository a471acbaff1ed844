//! Load mode (`send --repeat N --concurrency C`): many deliveries, at most C
//! in flight, summarised in constant memory (a log-bucketed latency
//! histogram instead of a list of samples).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::delivery::{Policy, Report, Request, Sender};

/// Latencies in microseconds: exact below 1024 µs, then 64 buckets per
/// power of two (under 2 % error), so memory does not grow with N.
#[derive(Clone, Debug)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
    max: u64,
}

const LINEAR: u64 = 1024;
const SUB: u64 = 64;

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            counts: vec![0; (LINEAR + SUB * 54) as usize],
            total: 0,
            max: 0,
        }
    }
}

impl Histogram {
    pub fn record(&mut self, d: Duration) {
        let us = d.as_micros().min(u64::MAX as u128) as u64;
        self.counts[Self::index(us)] += 1;
        self.total += 1;
        self.max = self.max.max(us);
    }

    fn index(us: u64) -> usize {
        if us < LINEAR {
            return us as usize;
        }
        let exp = 63 - us.leading_zeros() as u64; // ≥ 10
        let sub = (us >> (exp - 6)) & (SUB - 1);
        (LINEAR + (exp - 10) * SUB + sub) as usize
    }

    fn lower_bound(index: usize) -> u64 {
        let i = index as u64;
        if i < LINEAR {
            return i;
        }
        let exp = (i - LINEAR) / SUB + 10;
        let sub = (i - LINEAR) % SUB;
        (1 << exp) + (sub << (exp - 6))
    }

    /// The latency below which `q` (0..=1) of the samples fall.
    pub fn quantile(&self, q: f64) -> Duration {
        if self.total == 0 {
            return Duration::ZERO;
        }
        let rank = ((q * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Duration::from_micros(Self::lower_bound(i).min(self.max));
            }
        }
        Duration::from_micros(self.max)
    }

    pub fn max(&self) -> Duration {
        Duration::from_micros(self.max)
    }
}

/// Running totals for a load run.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub delivered: u64,
    pub failed: u64,
    pub attempts: u64,
    /// Final status of each delivery (`"error"` when there was none).
    pub statuses: BTreeMap<String, u64>,
    /// Per-attempt latency.
    pub latency: Histogram,
    /// Attempts slower than 8 s (close to VisualQ's 10 s limit).
    pub slow: u64,
    pub elapsed: Duration,
}

impl Summary {
    pub fn record(&mut self, report: &Report) {
        if report.delivered() {
            self.delivered += 1;
        } else {
            self.failed += 1;
        }
        for a in &report.attempts {
            self.attempts += 1;
            self.latency.record(a.elapsed);
            self.slow += u64::from(a.slow());
        }
        let key = report
            .attempts
            .last()
            .and_then(|a| a.status)
            .map_or_else(|| "error".to_string(), |s| s.to_string());
        *self.statuses.entry(key).or_default() += 1;
    }

    pub fn per_second(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            (self.delivered + self.failed) as f64 / secs
        } else {
            0.0
        }
    }

    pub fn to_json(&self) -> Value {
        let ms = |d: Duration| (d.as_secs_f64() * 1e6).round() / 1e3;
        json!({ "summary": {
            "deliveries": self.delivered + self.failed,
            "delivered": self.delivered,
            "failed": self.failed,
            "attempts": self.attempts,
            "statuses": self.statuses,
            "latency_ms": {
                "p50": ms(self.latency.quantile(0.5)),
                "p90": ms(self.latency.quantile(0.9)),
                "p99": ms(self.latency.quantile(0.99)),
                "max": ms(self.latency.max()),
            },
            "slow": self.slow,
            "elapsed_ms": self.elapsed.as_millis() as u64,
            "per_second": (self.per_second() * 10.0).round() / 10.0,
        }})
    }
}

/// Fires `n` deliveries made by `make`, at most `concurrency` at once, and
/// calls `on_report` for each as it finishes.
pub async fn run<M, F>(
    sender: Sender,
    policy: Policy,
    n: u64,
    concurrency: u32,
    make: M,
    on_report: F,
) -> Summary
where
    M: Fn() -> Request + Send + Sync + 'static,
    F: Fn(&Report) + Send + Sync + 'static,
{
    let next = Arc::new(AtomicU64::new(0));
    let summary = Arc::new(Mutex::new(Summary::default()));
    let (make, on_report) = (Arc::new(make), Arc::new(on_report));
    let start = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..u64::from(concurrency).min(n) {
        let (next, summary, sender) = (next.clone(), summary.clone(), sender.clone());
        let (make, on_report) = (make.clone(), on_report.clone());
        workers.spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < n {
                let request = make();
                let report = sender.deliver(&request, &policy, |_| {}).await;
                on_report(&report);
                summary
                    .lock()
                    .expect("no panics while held")
                    .record(&report);
            }
        });
    }
    while workers.join_next().await.is_some() {}
    let mut done = summary.lock().expect("workers finished").clone();
    done.elapsed = start.elapsed();
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_quantiles_are_close() {
        let mut h = Histogram::default();
        for us in 1..=100_000u64 {
            h.record(Duration::from_micros(us));
        }
        for (q, want) in [(0.5, 50_000.0), (0.9, 90_000.0), (0.99, 99_000.0)] {
            let got = h.quantile(q).as_micros() as f64;
            assert!((got - want).abs() / want < 0.02, "q{q}: {got} vs {want}");
        }
        assert_eq!(h.max(), Duration::from_micros(100_000));
        h.record(Duration::from_secs(86_400 * 365));
        assert_eq!(Histogram::default().quantile(0.5), Duration::ZERO);
    }
}
