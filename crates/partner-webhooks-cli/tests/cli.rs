//! The `partner-webhooks` binary end to end: against its own `sandbox`
//! command, and against an in-process sandbox for injected faults.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

use partner_webhooks_sandbox::{Fault, Sandbox, SandboxConfig};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_partner-webhooks");

fn cli() -> Command {
    let mut c = Command::new(BIN);
    for var in [
        "PARTNER_API_KEY",
        "PARTNER_API_BASE_URL",
        "PARTNER_API_TIMEOUT",
        "PARTNER_API_MAX_RETRIES",
        "PARTNER_ID",
        "RUST_LOG",
    ] {
        c.env_remove(var);
    }
    c.stdin(Stdio::null());
    c
}

/// `partner-webhooks sandbox --json`, stopped with SIGTERM on drop.
struct StandaloneSandbox {
    child: Child,
    info: Value,
}

impl StandaloneSandbox {
    fn start() -> Self {
        let mut child = cli()
            .args(["sandbox", "--json", "--partner-id", "cliPA"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let info: Value = serde_json::from_str(&line).expect("first line is JSON");
        StandaloneSandbox { child, info }
    }

    fn get(&self, key: &str) -> &str {
        self.info[key].as_str().unwrap()
    }

    fn run(&self, args: &[&str]) -> Output {
        cli()
            .env("PARTNER_API_BASE_URL", self.get("base_url"))
            .env("PARTNER_API_KEY", self.get("api_key"))
            .env("PARTNER_ID", self.get("partner_id"))
            .args(args)
            .output()
            .unwrap()
    }

    /// `GET /_sandbox/stats` over a plain HTTP/1.0 exchange.
    fn stats(&self) -> Value {
        use std::io::{Read, Write};
        let addr = self
            .get("base_url")
            .trim_start_matches("http://")
            .to_string();
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        // The sandbox answers only to its own address (against DNS rebinding).
        write!(s, "GET /_sandbox/stats HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).unwrap();
        let body = text.split_once("\r\n\r\n").unwrap().1;
        serde_json::from_str(body).unwrap()
    }

    fn terminate(&mut self) -> std::process::ExitStatus {
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        self.child.wait().unwrap()
    }
}

impl Drop for StandaloneSandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

#[test]
fn all_four_calls_against_the_standalone_sandbox() {
    let mut sb = StandaloneSandbox::start();
    for key in ["base_url", "partner_id", "api_key", "platform_secret"] {
        assert!(
            sb.info[key].is_string(),
            "sandbox JSON line lacks {key}: {}",
            sb.info
        );
    }
    assert_eq!(sb.get("partner_id"), "cliPA");

    let o = sb.run(&["url", "get"]);
    assert_eq!(
        (o.status.code(), stdout(&o).as_str()),
        (Some(0), "webhook_url: (not set)\n")
    );

    let o = sb.run(&["url", "set", "https://hooks.example.com/events"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "webhook_url set to https://hooks.example.com/events for partner cliPA\n"
    );

    let o = sb.run(&["--json", "url", "get"]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["webhook_url"], "https://hooks.example.com/events");

    let o = sb.run(&[
        "headers",
        "set",
        "-H",
        "X-Partner-Auth: s3cret-value",
        "--header",
        "X-Env:prod",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "2 webhook header(s) set for partner cliPA: X-Env, X-Partner-Auth\n"
    );

    let o = sb.run(&["headers", "get"]);
    assert_eq!(
        stdout(&o),
        "X-Env: ******** (4 chars)\nX-Partner-Auth: ******** (12 chars)\n"
    );
    let o = sb.run(&["headers", "get", "--reveal"]);
    assert_eq!(stdout(&o), "X-Env: prod\nX-Partner-Auth: s3cret-value\n");
    let o = sb.run(&["--json", "headers", "get"]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["webhook_headers"]["X-Partner-Auth"], "s3cret-value");

    let file = std::env::temp_dir().join(format!("pw-headers-{}.json", std::process::id()));
    std::fs::write(
        &file,
        r#"{"webhook_headers": {"Authorization": "Bearer abc"}}"#,
    )
    .unwrap();
    let o = sb.run(&["headers", "set", "--from-json", file.to_str().unwrap()]);
    std::fs::remove_file(&file).unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = sb.run(&["--json", "headers", "get"]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v["webhook_headers"],
        serde_json::json!({"Authorization": "Bearer abc"})
    );

    // SIGTERM stops it cleanly.
    let status = sb.terminate();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn bad_arguments_exit_2_naming_the_field_and_send_nothing() {
    let sb = StandaloneSandbox::start();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--partner-id", "", "url", "get"],
            "partner_id: must not be empty",
        ),
        (
            &["url", "set", "http://hooks.example.com/x"],
            "webhook_url: must use https",
        ),
        (
            &["url", "set", "not a url"],
            "webhook_url: must be an absolute URL",
        ),
        (
            &["headers", "set", "-H", "no colon here"],
            "--header #1: must look like 'Name: value'",
        ),
        (
            &["headers", "set", "-H", "Host: evil"],
            "webhook_headers.Host: header name is reserved",
        ),
        (
            &["headers", "set", "-H", "Bad Name: v"],
            "webhook_headers.Bad Name: header name must be an RFC 9110 token",
        ),
        (
            &["headers", "set", "--from-json", "/nonexistent/h.json"],
            "--from-json: cannot read",
        ),
        (
            &["--timeout", "0", "url", "get"],
            "timeout: must be a number of seconds greater than 0",
        ),
        (
            &["--ca-bundle", "/nonexistent/ca.pem", "url", "get"],
            "ca_bundle: could not read /nonexistent/ca.pem",
        ),
        (
            &["--proxy", "socks5://u:cli-proxy-pw@h:1080", "url", "get"],
            "proxy: must be an http:// or https:// URL",
        ),
        (
            &["--max-retries", "99", "url", "get"],
            "max_retries: must be at most 10",
        ),
        (
            &["--base-url", "http://hub.example.com", "url", "get"],
            "base_url: must use https",
        ),
        (
            &["--api-key", "", "url", "get"],
            "api_key: must not be empty",
        ),
    ];
    for (args, message) in cases {
        let o = sb.run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{args:?}");
    }
    // None of them reached the sandbox.
    assert_eq!(
        sb.stats()["requests"],
        serde_json::json!({}),
        "an invalid call sent a request"
    );
    // No partner id at all.
    let o = cli()
        .env("PARTNER_API_KEY", "k")
        .args(["url", "get"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("partner_id: required"),
        "{}",
        stderr(&o)
    );
    // Usage errors from the parser exit 2 as well.
    let o = cli().args(["url", "frobnicate"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn wrong_key_exits_3_with_401_and_trace_id_without_echoing_the_key() {
    let sb = StandaloneSandbox::start();
    let secret_key = "wrong-but-secret-key-4242";
    let o = cli()
        .env("PARTNER_API_BASE_URL", sb.get("base_url"))
        .args([
            "--partner-id",
            "cliPA",
            "--api-key",
            secret_key,
            "url",
            "get",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("Authentication: HTTP 401"), "{err}");
    assert!(err.contains("trace id "), "{err}");
    assert!(!err.contains(secret_key) && !stdout(&o).contains(secret_key));

    // The same as JSON on stderr.
    let o = cli()
        .env("PARTNER_API_BASE_URL", sb.get("base_url"))
        .env("PARTNER_API_KEY", secret_key)
        .args(["--partner-id", "cliPA", "--json", "headers", "get"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    let v: Value = serde_json::from_str(&stderr(&o)).unwrap();
    assert_eq!(v["error"]["kind"], "Authentication");
    assert_eq!(v["error"]["status"], 401);
    assert_eq!(v["error"]["trace_id"].as_str().map(str::len), Some(32));
    assert!(!stderr(&o).contains(secret_key));
}

#[test]
fn api_4xx_exit_3_and_server_failures_exit_4() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sb = rt
        .block_on(Sandbox::start(SandboxConfig::default()))
        .unwrap();
    let run = |args: &[&str]| {
        cli()
            .env("PARTNER_API_BASE_URL", sb.base_url())
            .env("PARTNER_API_KEY", sb.api_key())
            .env("PARTNER_ID", sb.partner_id())
            .args(args)
            .output()
            .unwrap()
    };
    let o = run(&["--partner-id", "unknownPA", "url", "get"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("NotFound: HTTP 404"), "{}", stderr(&o));

    sb.inject_fault(Fault::status("get_webhook_url", 503, 5))
        .unwrap();
    let o = run(&["--max-retries", "1", "url", "get"]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(stderr(&o).contains("Server: HTTP 503"), "{}", stderr(&o));
    assert!(stderr(&o).contains("after 2 attempts"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("retrying"),
        "the retry is logged: {}",
        stderr(&o)
    );
    sb.clear_faults();

    sb.inject_fault(Fault {
        delay_ms: Some(5_000),
        ..Fault::status("get_webhook_headers", 200, 3)
    })
    .unwrap();
    let o = run(&["--timeout", "0.5", "headers", "get"]);
    assert_eq!(o.status.code(), Some(4));
    assert!(stderr(&o).contains("Timeout"), "{}", stderr(&o));

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let o = run(&[
        "--base-url",
        &format!("http://127.0.0.1:{port}"),
        "--max-retries",
        "0",
        "url",
        "get",
    ]);
    assert_eq!(o.status.code(), Some(4));
    assert!(
        stderr(&o).contains("Connection: could not connect"),
        "{}",
        stderr(&o)
    );
}

/// Runs the binary with `input` on stdin.
fn run_with_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = cli()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn sign_and_verify_a_body_from_a_file_or_stdin() {
    let body =
        br#"{"event":"channel_live","data":{"id":"c1","setup_info":{"phone_number":"+49151"}}}"#;
    let sig = partner_webhooks::sign(body, "s3cret");
    let dir = std::env::temp_dir().join(format!("pw-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("body.json");
    std::fs::write(&file, body).unwrap();
    let file = file.to_str().unwrap();

    let o = run_with_stdin(&["sign", "--secret", "s3cret"], body);
    assert_eq!((o.status.code(), stdout(&o)), (Some(0), format!("{sig}\n")));
    let o = cli()
        .args(["sign", "--secret", "s3cret", file])
        .output()
        .unwrap();
    assert_eq!(stdout(&o), format!("{sig}\n"));
    let o = run_with_stdin(&["--json", "sign", "--secret", "s3cret", "-"], body);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        (v["signature"].as_str(), v["bytes"].as_u64()),
        (Some(sig.as_str()), Some(body.len() as u64))
    );

    let verify = |extra: &[&str], input: &[u8]| {
        let mut args = vec![
            "verify",
            "--secret",
            "old",
            "--secret",
            "s3cret",
            "--require-header",
            "X-Partner-Auth: hdr",
        ];
        args.extend_from_slice(extra);
        run_with_stdin(&args, input)
    };
    let o = verify(&["--signature", &sig, "-H", "x-partner-auth: hdr"], body);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("verified: channel_live"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("phone=+49151"), "{}", stdout(&o));
    let o = verify(
        &[
            "--json",
            "--signature",
            &sig.to_uppercase(),
            "-H",
            "X-Partner-Auth: hdr",
            file,
        ],
        b"",
    );
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        (v["type"].as_str(), v["signature_verified"].as_bool()),
        (Some("channel_live"), Some(true))
    );

    // Refusals: exit 2, one line naming the kind, nothing on stdout.
    for (extra, input, kind) in [
        (
            vec!["--signature", sig.as_str(), "-H", "X-Partner-Auth: hdr"],
            &b"{\"event\":\"channel_live\"}"[..],
            "BadSignature",
        ),
        (
            vec!["--signature", sig.as_str()],
            &body[..],
            "MissingHeader",
        ),
        (
            vec!["--signature", "not-hex", "-H", "X-Partner-Auth: hdr"],
            &body[..],
            "BadSignature",
        ),
        (
            vec![
                "--signature",
                sig.as_str(),
                "-H",
                "X-Partner-Auth: hdr",
                "/no/such/file",
            ],
            &b""[..],
            "cannot read /no/such/file",
        ),
    ] {
        let o = verify(&extra, input);
        assert_eq!(o.status.code(), Some(2), "{kind}: {}", stderr(&o));
        assert!(stderr(&o).contains(kind), "{kind}: {}", stderr(&o));
        assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
        assert!(stdout(&o).is_empty());
        assert!(!stderr(&o).contains("s3cret"), "no secret in the message");
    }
    let o = run_with_stdin(&["verify", "--signature", &sig], body);
    assert_eq!(o.status.code(), Some(2), "no --secret is a usage error");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn headers_add_and_remove_keep_the_others() {
    let sb = StandaloneSandbox::start();
    let headers = |sb: &StandaloneSandbox| -> Value {
        let o = sb.run(&["--json", "headers", "get"]);
        serde_json::from_str::<Value>(&stdout(&o)).unwrap()["webhook_headers"].clone()
    };
    assert_eq!(
        sb.run(&["headers", "set", "-H", "X-A: 1", "-H", "X-Keep: k"])
            .status
            .code(),
        Some(0)
    );
    let o = sb.run(&["headers", "add", "X-B: 2", "x-a: new"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("3 webhook header(s) now set"),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        headers(&sb),
        serde_json::json!({"X-B": "2", "X-Keep": "k", "x-a": "new"})
    );
    let o = sb.run(&["headers", "remove", "X-A", "x-b"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(headers(&sb), serde_json::json!({"X-Keep": "k"}));
    let o = sb.run(&["headers", "remove", "X-Gone"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no webhook header named X-Gone; nothing was written"),
        "{}",
        stderr(&o)
    );
    assert_eq!(headers(&sb), serde_json::json!({"X-Keep": "k"}));
    let o = sb.run(&["headers", "add", "no colon here"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn headers_add_stops_when_someone_else_wrote_in_between() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sb = rt
        .block_on(Sandbox::start(SandboxConfig::default()))
        .unwrap();
    let pid = sb.partner_id().to_string();
    let set = |headers: Value| {
        let r = other_writer::set_headers(&sb, &pid, headers);
        assert_eq!(r, 200);
    };
    set(serde_json::json!({"X-A": "1"}));
    // Both reads of the command take 1.5 s; the other writer comes between them.
    let fault: Fault = serde_json::from_value(
        serde_json::json!({"route": "get_webhook_headers", "times": 2, "delay_ms": 1500}),
    )
    .unwrap();
    sb.inject_fault(fault).unwrap();
    let child = cli()
        .env("PARTNER_API_BASE_URL", sb.base_url())
        .env("PARTNER_API_KEY", sb.api_key())
        .env("PARTNER_ID", &pid)
        .args(["--timeout", "20", "headers", "add", "X-Mine: m"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2200));
    set(serde_json::json!({"X-Theirs": "t"}));
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("changed while this command ran"),
        "{}",
        stderr(&o)
    );
    let stats = sb.stats();
    assert_eq!(
        stats.requests.get("set_webhook_headers").copied(),
        Some(2),
        "only the two test writes: {stats:?}"
    );
}

mod other_writer {
    //! The other writer of the conflict test: a plain HTTP/1.0 POST.
    use partner_webhooks_sandbox::Sandbox;
    use serde_json::Value;
    pub fn set_headers(sb: &Sandbox, pid: &str, headers: Value) -> u16 {
        use std::io::{Read, Write};
        let addr = sb.base_url().trim_start_matches("http://").to_string();
        let body = serde_json::json!({ "webhook_headers": headers }).to_string();
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            s,
            "POST /api/v2/partners/{pid}/webhook_headers HTTP/1.0\r\nHost: {addr}\r\nX-API-Key: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            sb.api_key(),
            body.len()
        )
        .unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).unwrap();
        text.split(' ').nth(1).unwrap().parse().unwrap()
    }
}

#[test]
fn trigger_sends_through_the_sandbox_and_deliveries_lists_it() {
    let sb = StandaloneSandbox::start();
    // No webhook URL yet: the sandbox refuses (409), exit 3.
    let o = sb.run(&["trigger", "channel_live"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("no webhook URL"), "{}", stderr(&o));

    let mut listen = common::Listen::start(&["--secret", sb.get("platform_secret")]);
    assert_eq!(sb.run(&["url", "set", &listen.url]).status.code(), Some(0));
    let o = sb.run(&["trigger", "channel_live"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("triggered channel_live: delivery "),
        "{}",
        stdout(&o)
    );
    let mut line = String::new();
    listen.stdout.read_line(&mut line).unwrap();
    let event: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(
        (
            event["type"].as_str(),
            event["signature_verified"].as_bool()
        ),
        (Some("channel_live"), Some(true))
    );
    assert_eq!(
        event["phone_number"], "+4915123456789",
        "a realistic default payload"
    );

    let o = sb.run(&[
        "--json",
        "trigger",
        "waba_template_status_changed",
        "--data",
        r#"{"status":"rejected","rejected_reason":"INVALID_FORMAT"}"#,
    ]);
    let accepted: Value = serde_json::from_str(&stdout(&o)).unwrap();
    line.clear();
    listen.stdout.read_line(&mut line).unwrap();
    let event: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(
        event["data"]["rejected_reason"], "INVALID_FORMAT",
        "--data is sent as given"
    );

    // events resend: the same body again, as a new delivery (the event keeps its id).
    let o = sb.run(&[
        "--json",
        "events",
        "resend",
        accepted["delivery_id"].as_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let resent: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_ne!(resent["delivery_id"], accepted["delivery_id"]);
    line.clear();
    listen.stdout.read_line(&mut line).unwrap();
    let again: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(
        again["id"], accepted["delivery_id"],
        "the resent event keeps its id (de-duplicate on it)"
    );
    let o = sb.run(&["events", "resend", "no-such-delivery"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("Delivery not found"), "{}", stderr(&o));
    let o = sb.run(&["events", "resend", "../x"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));

    // deliveries: all three, delivered, with attempts and latency.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let listed = loop {
        let o = sb.run(&["deliveries"]);
        let text = stdout(&o);
        if text.lines().count() == 3 && text.lines().all(|l| l.contains("delivered"))
            || std::time::Instant::now() > deadline
        {
            break text;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert!(
        listed.contains(accepted["delivery_id"].as_str().unwrap()),
        "{listed}"
    );
    assert!(
        listed.lines().all(|l| l.contains("delivered")
            && l.contains("attempts=1")
            && l.contains("last=HTTP 200")),
        "{listed}"
    );

    // --follow prints what comes later.
    let mut follow = cli()
        .env("PARTNER_API_BASE_URL", sb.get("base_url"))
        .env("PARTNER_ID", sb.get("partner_id"))
        .args(["deliveries", "--follow"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut followed = BufReader::new(follow.stdout.take().unwrap());
    for _ in 0..3 {
        line.clear();
        followed.read_line(&mut line).unwrap();
    }
    let o = sb.run(&["--json", "trigger", "client_created"]);
    let id = serde_json::from_str::<Value>(&stdout(&o)).unwrap()["delivery_id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut seen_new = false;
    for _ in 0..4 {
        line.clear();
        followed.read_line(&mut line).unwrap();
        if line.contains(&id) && line.contains("client_created") {
            seen_new = true;
            break;
        }
    }
    assert!(seen_new, "--follow printed the new delivery");
    unsafe { libc::kill(follow.id() as i32, libc::SIGTERM) };
    assert_eq!(
        follow.wait().unwrap().code(),
        Some(0),
        "SIGTERM stops --follow cleanly"
    );
}

#[test]
fn trigger_refuses_bad_input_with_exit_2_and_sends_nothing() {
    let sb = StandaloneSandbox::start();
    let dir = std::env::temp_dir().join(format!("pw-trigger-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad_file = dir.join("bad.json");
    std::fs::write(&bad_file, "{not json").unwrap();
    let bad_file = format!("@{}", bad_file.display());
    for (args, message) in [
        (
            vec!["trigger", "channel_lve"],
            "not a known event (pass --unknown to send it anyway); known: client_created",
        ),
        (
            vec!["trigger", "channel_live", "--data", "{bad"],
            "--data: is not valid JSON",
        ),
        (
            vec!["trigger", "channel_live", "--data", "[1]"],
            "--data: must be a JSON object",
        ),
        (
            vec!["trigger", "channel_live", "--data", "@/no/such/file"],
            "cannot read /no/such/file",
        ),
        (
            vec!["trigger", "channel_live", "--data", bad_file.as_str()],
            "is not valid JSON",
        ),
    ] {
        let o = sb.run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
    }
    let o = cli()
        .args(["trigger", "channel_live", "--partner-id", "xPA"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("talks to a sandbox"), "{}", stderr(&o));
    assert!(
        sb.stats()["requests"]
            .as_object()
            .map(|r| r.is_empty())
            .unwrap_or(true),
        "nothing sent: {}",
        sb.stats()
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// `sandbox --json` with `args`; the first stdout line parsed.
fn sandbox_with(args: &[&str]) -> (Child, Value) {
    let mut child = cli()
        .args(["sandbox", "--json"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, serde_json::from_str(&line).unwrap_or(Value::Null))
}

fn http_get(base_url: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let addr = base_url.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    text
}

#[test]
fn the_sandbox_as_a_service_keeps_its_state_and_reports_health() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("pw-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("sandbox.json");
    let state = file.to_str().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();

    let (mut first, info) = sandbox_with(&["--state", state, "--port", &port]);
    assert_eq!(
        info["base_url"],
        format!("http://127.0.0.1:{port}"),
        "a fixed address"
    );
    let health = http_get(info["base_url"].as_str().unwrap(), "/_sandbox/health");
    assert!(
        health.starts_with("HTTP/1.0 200") || health.starts_with("HTTP/1.1 200"),
        "{health}"
    );
    assert!(health.contains(r#""ok":true"#), "{health}");
    let run = |info: &Value, args: &[&str]| {
        cli()
            .env("PARTNER_API_BASE_URL", info["base_url"].as_str().unwrap())
            .env("PARTNER_API_KEY", info["api_key"].as_str().unwrap())
            .env("PARTNER_ID", info["partner_id"].as_str().unwrap())
            .args(args)
            .output()
            .unwrap()
    };
    // A delivery to a closed port on this machine: still retrying when the sandbox stops.
    assert_eq!(
        run(&info, &["url", "set", "http://127.0.0.1:9/hook"])
            .status
            .code(),
        Some(0)
    );
    let o = run(&info, &["--json", "trigger", "channel_live"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let delivery_id = serde_json::from_str::<Value>(&stdout(&o)).unwrap()["delivery_id"].clone();
    assert_eq!(
        run(&info, &["url", "set", "https://hooks.example.com/kept"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run(&info, &["headers", "set", "-H", "X-Kept: yes"])
            .status
            .code(),
        Some(0)
    );
    unsafe { libc::kill(first.id() as i32, libc::SIGTERM) };
    assert_eq!(
        first.wait().unwrap().code(),
        Some(0),
        "SIGTERM stops it cleanly"
    );
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the file holds secrets");

    let (mut second, again) = sandbox_with(&["--state", state, "--port", &port]);
    for key in ["partner_id", "api_key", "platform_secret", "password"] {
        assert_eq!(again[key], info[key], "{key} kept across the restart");
    }
    let o = run(&again, &["--json", "url", "get"]);
    assert_eq!(
        serde_json::from_str::<Value>(&stdout(&o)).unwrap()["webhook_url"],
        "https://hooks.example.com/kept"
    );
    let o = run(&again, &["--json", "headers", "get"]);
    assert_eq!(
        serde_json::from_str::<Value>(&stdout(&o)).unwrap()["webhook_headers"]["X-Kept"],
        "yes"
    );
    // The delivery log came back; the delivery whose attempts the stop cut short is failed.
    let o = run(&again, &["--json", "deliveries"]);
    let kept: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(kept.len(), 1, "{}", stdout(&o));
    assert_eq!(kept[0]["id"], delivery_id);
    assert_eq!(kept[0]["status"], "failed");
    assert!(kept[0]["note"].as_str().unwrap().contains("interrupted"));
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(
        saved["deliveries"][0]["id"], delivery_id,
        "the log is in the state file"
    );

    // The port is taken now: a clear error, exit 2.
    let (mut third, nothing) = sandbox_with(&["--port", &port]);
    assert_eq!(nothing, Value::Null);
    assert_eq!(third.wait().unwrap().code(), Some(2));
    unsafe { libc::kill(second.id() as i32, libc::SIGTERM) };
    assert_eq!(second.wait().unwrap().code(), Some(0));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_state_file_that_is_not_ours_is_refused_and_left_alone() {
    let dir = std::env::temp_dir().join(format!("pw-foreign-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, content, message) in [
        (
            "text",
            "hello, not json",
            "not a sandbox state file (not JSON",
        ),
        (
            "other.json",
            r#"{"webhook_url": "x"}"#,
            "not a sandbox state file (no \"format\"",
        ),
        (
            "damaged.json",
            r#"{"format": "partner-webhooks-sandbox-state", "version": 1}"#,
            "a damaged sandbox state file",
        ),
        (
            "future.json",
            r#"{"format": "partner-webhooks-sandbox-state", "version": 9, "partner_id": "a", "api_key": "b", "username": "c", "password": "d", "platform_secret": "e", "partners": []}"#,
            "state file version 9",
        ),
    ] {
        let file = dir.join(name);
        std::fs::write(&file, content).unwrap();
        let o = cli()
            .args(["sandbox", "--state", file.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{name}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("nothing was changed"),
            "{name}: {}",
            stderr(&o)
        );
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            content,
            "{name} left as it was"
        );
    }
    let o = cli()
        .args(["sandbox", "--host", "0.0.0.0"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("pass --allow-remote"), "{}", stderr(&o));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn completions_and_the_man_page_cover_every_command() {
    let commands = [
        "url",
        "headers",
        "sandbox",
        "listen",
        "dev",
        "trigger",
        "deliveries",
        "events",
        "sign",
        "verify",
    ];
    for shell in ["bash", "zsh", "fish"] {
        let o = cli().args(["completions", shell]).output().unwrap();
        assert_eq!(o.status.code(), Some(0));
        let script = stdout(&o);
        for c in commands {
            assert!(script.contains(c), "{shell} completion lacks {c}");
        }
        assert!(script.contains("--forward-to"), "{shell}: options too");
    }
    let o = cli().args(["man"]).output().unwrap();
    let page = stdout(&o);
    assert!(
        page.starts_with(".ie") || page.contains(".TH partner-webhooks"),
        "{}",
        &page[..page.len().min(200)]
    );
    for c in commands {
        assert!(page.contains(c), "man page lacks {c}");
    }
    let o = cli().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

#[test]
fn demo_as_json_lines() {
    let o = cli().args(["--json", "demo"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
        .collect();
    assert!(
        lines.iter().filter(|l| l["title"].is_string()).count() >= 5,
        "the steps"
    );
    assert!(
        lines.last().unwrap()["detail"]
            .as_str()
            .unwrap()
            .starts_with("demo finished")
    );
}
