//! The CLI as a process, with nothing but the standard library: the checks
//! that run on every OS. `cargo test` runs them on Linux; `make
//! test-windows` runs them on Windows (x86_64-pc-windows-gnu under wine 10):
//! `demo`, a `sandbox --state` restarted and keeping its state (the state file
//! is replaced atomically, which Windows does differently), and `trigger` →
//! `listen --forward-to` → an app.

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn cli() -> Command {
    let mut c = Command::new(common::BIN);
    for var in [
        "PARTNER_API_KEY",
        "PARTNER_API_BASE_URL",
        "PARTNER_ID",
        "PARTNER_WEBHOOK_SECRETS",
    ] {
        c.env_remove(var);
    }
    c
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `sandbox --json` as a child, its first line (credentials and address) read.
struct Service {
    child: Child,
    info: Value,
}

impl Service {
    fn start(args: &[&str]) -> Service {
        let mut child = cli()
            .args(["sandbox", "--json", "--partner-id", "portablePA"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the CLI starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let info = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
        Service { child, info }
    }

    fn get(&self, key: &str) -> &str {
        self.info[key].as_str().unwrap_or_default()
    }

    /// The CLI with this sandbox's address and credentials.
    fn run(&self, args: &[&str]) -> Output {
        let o = cli()
            .env("PARTNER_API_BASE_URL", self.get("base_url"))
            .env("PARTNER_API_KEY", self.get("api_key"))
            .env("PARTNER_ID", self.get("partner_id"))
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{args:?}: {}", text(&o.stderr));
        o
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh folder under the temporary directory.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pw-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Waits until `path` holds `needle` (the sandbox writes its state once a second when it changed).
fn wait_for_file(path: &PathBuf, needle: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if std::fs::read_to_string(path).is_ok_and(|t| t.contains(needle)) {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{} never held {needle}", path.display());
}

#[test]
fn demo_runs_every_step() {
    let o = cli().arg("demo").output().unwrap();
    let out = text(&o.stdout);
    assert!(o.status.success(), "{out}\n{}", text(&o.stderr));
    assert!(out.contains("channel_live"), "{out}");
    assert!(out.contains("HTTP 401: BadSignature"), "{out}");
    assert!(
        out.contains("demo finished: every step behaved as shown"),
        "{out}"
    );
}

#[test]
fn a_sandbox_with_state_keeps_it_across_a_restart() {
    let dir = scratch("state");
    let state = dir.join("sandbox-state.json");
    let state_arg = state.to_str().unwrap();
    let first = Service::start(&["--state", state_arg]);
    first.run(&["url", "set", "https://example.com/first"]);
    wait_for_file(&state, "https://example.com/first");
    // Replaced again while the old file exists: the rename over it must succeed.
    first.run(&["url", "set", "https://example.com/kept"]);
    first.run(&["headers", "set", "-H", "X-Kept: kept-value"]);
    wait_for_file(&state, "https://example.com/kept");
    wait_for_file(&state, "X-Kept");
    let api_key = first.get("api_key").to_string();
    drop(first);

    let second = Service::start(&["--state", state_arg]);
    assert_eq!(second.get("api_key"), api_key, "credentials kept");
    let url = text(&second.run(&["url", "get"]).stdout);
    assert!(url.contains("https://example.com/kept"), "{url}");
    let headers = text(&second.run(&["headers", "get"]).stdout);
    assert!(headers.contains("X-Kept"), "{headers}");
    // Nothing but the state file is left beside it (no temporary files).
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["sandbox-state.json"], "{names:?}");
    drop(second);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn trigger_reaches_listen_which_forwards_to_the_app() {
    let sb = Service::start(&[]);
    let secret = sb.get("platform_secret").to_string();
    // The app: another verifying listener, so a forwarded delivery must keep
    // its exact body and signature.
    let mut app = common::Listen::start(&["--secret", &secret]);
    let mut listener = common::Listen::start(&["--secret", &secret, "--forward-to", &app.url]);
    sb.run(&["url", "set", &listener.url]);
    let o = sb.run(&["trigger", "channel_live"]);
    assert!(
        text(&o.stdout).starts_with("triggered channel_live"),
        "{}",
        text(&o.stdout)
    );
    for (who, line) in [("listener", listener.next_line()), ("app", app.next_line())] {
        let seen = line.to_string();
        assert!(seen.contains("channel_live"), "{who}: {seen}");
        assert_eq!(line["signature_verified"], true, "{who}: {seen}");
    }
}
