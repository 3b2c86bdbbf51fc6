//! `partner-webhooks listen` as a separate process: verified events are
//! printed, bad requests get 400/401/413, and it stays up and stops cleanly.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};

use partner_webhooks::sign;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_partner-webhooks");
const SECRET: &str = "listen-test-platform-secret";

struct Listen {
    child: Child,
    url: String,
    stdout: BufReader<ChildStdout>,
}

impl Listen {
    fn start() -> Listen {
        let mut child = Command::new(BIN)
            .env_remove("PARTNER_WEBHOOK_SECRETS")
            .args([
                "listen",
                "--port",
                "0",
                "--json",
                "--max-body",
                "2048",
                "--require-header",
                "X-Partner-Auth: hdr",
            ])
            .args(["--secret", "old-secret", "--secret", SECRET])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stderr.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://127.0.0.1:"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .to_string();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Listen { child, url, stdout }
    }

    fn next_event(&mut self) -> Value {
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"))
    }
}

impl Drop for Listen {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn post(url: &str, body: Vec<u8>, headers: &[(&str, String)]) -> (u16, Value) {
    let mut req = reqwest::Client::new().post(url).body(body);
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    (
        status,
        serde_json::from_slice(&r.bytes().await.unwrap()).unwrap_or(Value::Null),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_verifies_refuses_and_survives() {
    let mut l = Listen::start();
    let good =
        br#"{"event":"channel_ready","data":{"id":"c1","setup_info":{"phone_number":"+49151"}}}"#
            .to_vec();
    let auth = ("X-Partner-Auth", "hdr".to_string());
    let signed = |b: &[u8], secret: &str| ("x-360dialog-signature", sign(b, secret));

    let (s, body) = post(&l.url, good.clone(), &[auth.clone(), signed(&good, SECRET)]).await;
    assert_eq!((s, &body["ok"]), (200, &Value::Bool(true)));
    let ev = l.next_event();
    assert_eq!(ev["event"], "channel_ready");
    assert_eq!(ev["channel_id"], "c1");
    assert_eq!(ev["phone_number"], "+49151");
    assert_eq!(ev["signature_verified"], true);

    // The rotated-out secret still verifies.
    let (s, _) = post(
        &l.url,
        good.clone(),
        &[auth.clone(), signed(&good, "old-secret")],
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(l.next_event()["event"], "channel_ready");

    /// (body, headers, expected status, expected error kind)
    type Case<'a> = (Vec<u8>, Vec<(&'a str, String)>, u16, &'a str);
    let cases: Vec<Case> = vec![
        (
            good.clone(),
            vec![auth.clone(), signed(&good, "wrong")],
            401,
            "BadSignature",
        ),
        (good.clone(), vec![auth.clone()], 401, "MissingSignature"),
        (
            good.clone(),
            vec![signed(&good, SECRET)],
            401,
            "MissingHeader",
        ),
        (
            good.clone(),
            vec![("X-Partner-Auth", "nope".into()), signed(&good, SECRET)],
            401,
            "BadHeader",
        ),
        (
            b"not json at all".to_vec(),
            vec![auth.clone(), signed(b"not json at all", SECRET)],
            400,
            "MalformedJson",
        ),
        (
            b"[1,2]".to_vec(),
            vec![auth.clone(), signed(b"[1,2]", SECRET)],
            400,
            "NotAnObject",
        ),
        (
            b"{\"data\":{}}".to_vec(),
            vec![auth.clone(), signed(b"{\"data\":{}}", SECRET)],
            400,
            "MissingEventField",
        ),
        (vec![b' '; 4096], vec![auth.clone()], 413, "BodyTooLarge"),
    ];
    for (body, headers, status, kind) in cases {
        let (s, answer) = post(&l.url, body, &headers).await;
        assert_eq!(
            (s, answer["error"].as_str()),
            (status, Some(kind)),
            "{answer}"
        );
    }
    let r = reqwest::get(&l.url).await.unwrap();
    assert_eq!(r.status().as_u16(), 405);

    // Still up, and nothing refused was printed as an event.
    let (s, _) = post(&l.url, good.clone(), &[auth.clone(), signed(&good, SECRET)]).await;
    assert_eq!(s, 200);
    assert_eq!(l.next_event()["event"], "channel_ready");

    unsafe { libc::kill(l.child.id() as i32, libc::SIGTERM) };
    assert_eq!(l.child.wait().unwrap().code(), Some(0));
}

#[test]
fn listen_without_any_check_is_a_usage_error() {
    let o = Command::new(BIN)
        .env_remove("PARTNER_WEBHOOK_SECRETS")
        .args(["listen", "--port", "0"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("give at least one signing secret or required header")
    );
}

#[test]
fn demo_runs_the_whole_loop() {
    let o = Command::new(BIN)
        .arg("demo")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for needle in [
        "channel_live",
        "(unknown event, kept whole)",
        "HTTP 401: BadSignature",
        "demo finished",
    ] {
        assert!(out.contains(needle), "demo output lacks {needle:?}");
    }
}
