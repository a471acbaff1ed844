//! Load mode (`send --repeat N --concurrency C`): many deliveries, at most C
//! in flight, summarised in constant memory (a log-bucketed latency
//! histogram instead of a list of samples).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::delivery::direct::{Conn, Direct};
use crate::delivery::prepared::Prepared;
use crate::delivery::{Attempt, Policy, Report, Request, Sender};
use crate::secret::Secret;

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
                // The bucket's top, not its floor: a quantile is never
                // reported below a latency that was really seen in it, and
                // the maximum caps it (one sample gives p50 = max).
                let top = Self::lower_bound(i + 1).saturating_sub(1);
                return Duration::from_micros(top.min(self.max));
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
        self.record_attempts(&report.attempts);
    }

    /// Records one delivery from its attempts.
    pub fn record_attempts(&mut self, attempts: &[Attempt]) {
        if attempts.last().is_some_and(Attempt::succeeded) {
            self.delivered += 1;
        } else {
            self.failed += 1;
        }
        for a in attempts {
            self.attempts += 1;
            self.latency.record(a.elapsed);
            self.slow += u64::from(a.slow());
        }
        let key = attempts
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

/// What load mode repeats: the template request, the secret that signs a
/// changed body and whether each delivery gets its own `runId`; how many
/// deliveries, and how many at once.
pub struct Job {
    pub template: Request,
    pub secret: Option<Secret>,
    pub fresh_run_id: bool,
    pub count: u64,
    pub concurrency: u32,
}

/// Fires `job.count` deliveries (each as `Request::redelivery` makes it),
/// at most `job.concurrency` at once, and calls `on_done` for each as it
/// finishes: with its [`Report`] when `reports` is set, else with `None`
/// (and no report is built).
pub async fn run<F>(
    sender: Sender,
    policy: Policy,
    job: Job,
    reports: bool,
    on_done: F,
    stop: Arc<AtomicBool>,
) -> Summary
where
    F: Fn(Option<&Report>) + Send + Sync + 'static,
{
    let (n, concurrency) = (job.count, job.concurrency);
    let next = Arc::new(AtomicU64::new(0));
    let summary = Arc::new(Mutex::new(Summary::default()));
    let fresh = job.fresh_run_id;
    let direct = Direct::for_target(&job.template);
    let prepared = Arc::new(Prepared::new(job.template, job.secret.as_ref()));
    let on_done = Arc::new(on_done);
    let start = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..u64::from(concurrency).min(n) {
        let (next, summary, sender) = (next.clone(), summary.clone(), sender.clone());
        let (prepared, on_done, direct) = (prepared.clone(), on_done.clone(), direct.clone());
        let stop = stop.clone();
        workers.spawn(async move {
            let mut conn = Conn::default();
            let url = &prepared.template().url;
            // `stop` ends the run early (Ctrl-C): deliveries already in
            // flight finish and count, no new one starts.
            while !stop.load(Ordering::Relaxed) && next.fetch_add(1, Ordering::Relaxed) < n {
                let d = prepared.next(fresh);
                let attempts = match &direct {
                    Some(direct) => {
                        let headers = || prepared.headers(&d);
                        direct.deliver(&mut conn, headers, &d.body, &policy).await
                    }
                    None => {
                        let (h, b) = (&prepared.headers(&d), &d.body);
                        sender.deliver_parts(url, h, b, &policy, |_| {}).await
                    }
                };
                summary
                    .lock()
                    .expect("no panics while held")
                    .record_attempts(&attempts);
                if reports {
                    let request = prepared.request(&d);
                    on_done(Some(&Report { request, attempts }));
                } else {
                    on_done(None);
                }
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
        let mut one = Histogram::default();
        one.record(Duration::from_millis(8_510));
        assert_eq!(one.quantile(0.5), Duration::from_millis(8_510));
        h.record(Duration::from_secs(86_400 * 365));
        assert_eq!(Histogram::default().quantile(0.5), Duration::ZERO);
    }
}
