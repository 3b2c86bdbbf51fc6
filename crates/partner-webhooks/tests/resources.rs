//! After 1,000 failing calls (refused connections, 503s, resets) the process
//! has the threads and file descriptors it had before: nothing leaks per
//! failure. Linux only (`/proc/self`).

use std::time::{Duration, Instant};

use partner_webhooks::{ClientConfig, ErrorKind, PartnerClient};
use partner_webhooks_sandbox::{Fault, Sandbox, SandboxConfig};

fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count()
}

fn fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

fn client(key: &str, base_url: &str) -> PartnerClient {
    let config = ClientConfig::builder()
        .api_key(key)
        .base_url(base_url)
        .max_retries(0)
        .build()
        .unwrap();
    PartnerClient::new(config).unwrap()
}

/// Runs `n` calls, `at_once` at a time, each of which must fail with `kind`.
async fn fail_many(
    client: &PartnerClient,
    partner: &str,
    n: usize,
    at_once: usize,
    kind: ErrorKind,
) {
    for _ in 0..n / at_once {
        let calls = (0..at_once).map(|_| client.get_webhook_url(partner));
        for r in futures_util::future::join_all(calls).await {
            assert_eq!(r.unwrap_err().kind(), kind);
        }
    }
}

#[test]
fn threads_and_fds_return_to_baseline_after_1000_failing_calls() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let sb = Sandbox::start(SandboxConfig::default()).await.unwrap();
        let pid = sb.partner_id().to_string();
        // Warm: the runtime, and the pool of the client that will fail (20
        // connections, as many as it will ever use at once).
        let failing = client(sb.api_key(), sb.base_url());
        let warm = (0..20).map(|_| failing.get_webhook_url(&pid));
        for r in futures_util::future::join_all(warm).await {
            r.unwrap();
        }
        let (threads0, fds0) = (threads(), fds());

        let refused = client(sb.api_key(), "http://127.0.0.1:1");
        fail_many(&refused, &pid, 400, 20, ErrorKind::Connection).await;
        sb.inject_fault(Fault::status("get_webhook_url", 503, 400))
            .unwrap();
        fail_many(&failing, &pid, 400, 20, ErrorKind::Server).await;
        let mut reset = Fault::status("get_webhook_url", 200, 200);
        (reset.status, reset.reset) = (None, true);
        sb.inject_fault(reset).unwrap();
        fail_many(&failing, &pid, 200, 20, ErrorKind::Connection).await;
        drop((refused, failing));

        // Closed connections leave the fd table asynchronously: wait up to 5 s.
        let deadline = Instant::now() + Duration::from_secs(5);
        while fds() > fds0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(threads(), threads0, "threads before and after");
        assert!(
            fds() <= fds0,
            "file descriptors: {} before, {} after",
            fds0,
            fds()
        );
    });
}
