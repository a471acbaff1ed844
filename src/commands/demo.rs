//! `vq-hook demo`: a self-contained tour. Two built-in listeners on free
//! loopback ports share a fresh secret: the first answers 500 then 200, to
//! show a retry; the second behaves like a correct endpoint and is audited
//! by `check`. Both sides of every exchange are printed, in order.

use std::time::Duration;

use colored::Colorize;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};
use tokio::sync::oneshot;
use vq_hook::check::{self, Plan};
use vq_hook::delivery::{Policy, Request, Sender, Signing, Tls};
use vq_hook::listen::{self, Config, Entry, Listener, Summary};
use vq_hook::payload::{Overrides, Payload};
use vq_hook::secret::Secret;
use vq_hook::{events, target, Error, Result};

use super::report::{attempt_line, emit, footer, header};
use super::{check as check_cmd, listen as listen_cmd, Ui, NEGATIVE, SUCCESS};
use crate::cli::DemoArgs;

/// A listener serving on the runtime until `stop` is sent.
struct Running {
    url: String,
    entries: UnboundedReceiver<Entry>,
    stop: oneshot::Sender<()>,
    done: tokio::task::JoinHandle<Summary>,
}

pub fn run(_args: &DemoArgs, ui: Ui) -> Result<u8> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io_on("the async runtime", e))?;
    let secret = Secret::generate();
    emit(&format!(
        "{}\nTwo local listeners share a fresh random secret; nothing leaves this machine.\n",
        "vq-hook demo".bold()
    ));

    // 1. A retry, as VisualQ makes it.
    let mut flaky = runtime.block_on(start(&runtime, &secret, vec![500, 200]))?;
    emit(&format!(
        "\n{} the listener at {} answers 500, then 200\n",
        "1. A delivery retried after a 5xx:".bold(),
        flaky.url
    ));
    let request = sample_request(&flaky.url, "run.failed", &secret)?;
    let sender = Sender::new(&request.url, &Tls::default())?;
    let policy = Policy {
        timeout: vq_hook::delivery::PLATFORM_TIMEOUT,
        retry_delay: Duration::from_millis(300),
        max_attempts: 2,
    };
    emit(&side("send", &header(&request, ui)));
    let report = runtime.block_on(sender.deliver(&request, &policy, |a| {
        // The listener reports an entry before it answers, so the entry for
        // this attempt is already waiting.
        drain(&mut flaky.entries);
        emit(&side("send", &attempt_line(&request, a)));
    }));
    emit(&side("send", &footer(&report, Ui { quiet: true, ..ui })));
    stop(&runtime, flaky);

    // 2. The audit.
    let mut correct = runtime.block_on(start(&runtime, &secret, Vec::new()))?;
    emit(&format!(
        "\n{} the listener at {} checks signatures like a correct endpoint\n",
        "2. `vq-hook check` audits it:".bold(),
        correct.url
    ));
    let url = target::parse_url(&format!("{}/webhooks", correct.url))?;
    let (plan, _) = Plan::new(url, &secret, &Overrides::default())?;
    let table = check_cmd::Table::new(&plan);
    emit(&side("check", &table.header()));
    let outcome = runtime.block_on(check::run(&sender, &plan, policy.timeout, |r| {
        drain(&mut correct.entries);
        emit(&side("check", &table.row(r)));
    }));
    stop(&runtime, correct);
    emit(&check_cmd::failure_details(&outcome));
    emit(&format!("{}\n", check_cmd::verdict(&outcome)));
    emit(
        "\nNext: `vq-hook listen --secret S` to receive real deliveries, \
         `vq-hook check --url YOUR_ENDPOINT --secret S` to audit your own endpoint.\n",
    );
    let delivered = report.delivered();
    Ok(if outcome.passed() && delivered {
        SUCCESS
    } else {
        NEGATIVE
    })
}

async fn start(
    runtime: &tokio::runtime::Runtime,
    secret: &Secret,
    statuses: Vec<u16>,
) -> Result<Running> {
    let listener: Listener = listen::bind(Config {
        host: "127.0.0.1".into(),
        port: 0,
        secret: Some(secret.clone()),
        statuses,
        delay: None,
        save_dir: None,
        forward_to: None,
        max_body: 10 << 20,
    })
    .await?;
    let url = listener.url();
    let (tx, entries) = unbounded_channel();
    let (stop, stopped) = oneshot::channel::<()>();
    let done = runtime.spawn(listener.serve(tx, async {
        let _ = stopped.await;
    }));
    Ok(Running {
        url,
        entries,
        stop,
        done,
    })
}

fn stop(runtime: &tokio::runtime::Runtime, running: Running) {
    let _ = running.stop.send(());
    let _ = runtime.block_on(running.done);
}

fn sample_request(base: &str, event: &str, secret: &Secret) -> Result<Request> {
    let (payload, _) = Payload::from_sample(events::find(event)?, &Overrides::default())?;
    let url = target::parse_url(&format!("{base}/webhooks"))?;
    Request::new(
        url,
        event,
        payload.body(),
        &Signing::Secret(secret),
        None,
        &[],
    )
}

/// Prints what the listener saw, one line per request.
fn drain(entries: &mut UnboundedReceiver<Entry>) {
    while let Ok(entry) = entries.try_recv() {
        let line = listen_cmd::human(&entry, false, true);
        emit(&side("listen", &format!("{line}\n")));
    }
}

/// Tags every line with the side that printed it.
fn side(who: &str, text: &str) -> String {
    let tag = match who {
        "listen" => format!("{who:>6} │ ").magenta().to_string(),
        _ => format!("{who:>6} │ ").cyan().to_string(),
    };
    text.lines().map(|l| format!("{tag}{l}\n")).collect()
}
