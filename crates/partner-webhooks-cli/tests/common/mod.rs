//! Shared by the CLI's process tests: `partner-webhooks listen` as a child.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_partner-webhooks");

/// `listen` as a child; its stderr lines are collected as they come.
pub struct Listen {
    pub child: Child,
    pub url: String,
    pub stdout: BufReader<ChildStdout>,
    pub stderr: Arc<Mutex<Vec<String>>>,
}

impl Listen {
    /// `listen --port 0 --json` with `args`; waits for the line naming its URL.
    pub fn start(args: &[&str]) -> Listen {
        let mut child = Command::new(BIN)
            .env_remove("PARTNER_WEBHOOK_SECRETS")
            .args(["listen", "--port", "0", "--json"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        err.read_line(&mut line).unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://127.0.0.1:"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .to_string();
        let stderr = Arc::new(Mutex::new(vec![line]));
        let sink = stderr.clone();
        std::thread::spawn(move || {
            for l in err.lines().map_while(Result::ok) {
                sink.lock().unwrap().push(l);
            }
        });
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Listen {
            child,
            url,
            stdout,
            stderr,
        }
    }

    /// The next stdout line, as JSON.
    pub fn next_line(&mut self) -> Value {
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
