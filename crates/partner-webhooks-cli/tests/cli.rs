//! The `partner-webhooks` binary end to end: against its own `sandbox`
//! command, and against an in-process sandbox for injected faults.

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
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.write_all(b"GET /_sandbox/stats HTTP/1.0\r\nHost: sandbox\r\n\r\n")
            .unwrap();
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
