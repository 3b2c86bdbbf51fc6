//! `partner-webhooks listen` under abuse: 10,000 random bodies, a header
//! flood, a 100 MiB body, slow-loris connections. It stays up, answers every
//! request (or times the connection out), and its memory stays bounded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use partner_webhooks::sign;

const BIN: &str = env!("CARGO_BIN_EXE_partner-webhooks");
const SECRET: &str = "abuse-test-platform-secret";
const GOOD: &[u8] = br#"{"event":"channel_live","data":{"id":"c1"}}"#;

struct Listen {
    child: Child,
    addr: String,
}

impl Listen {
    fn start() -> Listen {
        let mut child = Command::new(BIN)
            .env_remove("PARTNER_WEBHOOK_SECRETS")
            .args(["listen", "--port", "0", "--json", "--max-body", "65536"])
            .args([
                "--require-header",
                "X-Partner-Auth: hdr",
                "--secret",
                SECRET,
            ])
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
            .unwrap_or_else(|| panic!("no URL in {line:?}"));
        let addr = url
            .trim_start_matches("http://")
            .split('/')
            .next()
            .unwrap()
            .to_string();
        // Accepted events are printed: keep reading them so the pipe never fills.
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || for _ in BufReader::new(stdout).lines() {});
        Listen { child, addr }
    }

    /// Peak resident memory of the listener process, in MiB.
    fn peak_rss_mib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.split_whitespace().next())
            .unwrap()
            .parse()
            .unwrap();
        kb / 1024
    }

    fn url(&self) -> String {
        format!("http://{}/webhook", self.addr)
    }
}

impl Drop for Listen {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Status of a well-formed, signed request (the listener must still serve).
fn good_request_status(addr: &str) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let head = format!(
        "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Partner-Auth: hdr\r\n\
         x-360dialog-signature: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        sign(GOOD, SECRET),
        GOOD.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(GOOD).unwrap();
    status_of(&mut s).expect("an answer")
}

/// The status code of the HTTP answer on `s`, if one arrives.
fn status_of(s: &mut TcpStream) -> Option<u16> {
    let mut buf = [0u8; 256];
    let mut got = Vec::new();
    while !got.windows(2).any(|w| w == b"\r\n") {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    let line = String::from_utf8_lossy(&got);
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A small deterministic generator for test inputs (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_random_bodies_each_get_an_answer() {
    let l = Listen::start();
    let client = reqwest::Client::new();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut counts = std::collections::BTreeMap::<u16, u32>::new();
    for _ in 0..200 {
        let batch: Vec<_> = (0..50)
            .map(|i| {
                let len = (rng.next() % 4096) as usize;
                let mut body = rng.bytes(len);
                if i % 5 == 0 {
                    // JSON-ish bodies reach the parser: signed, with the header.
                    body = format!(
                        "{{\"event\":\"{}\",\"data\":{}}}",
                        rng.next(),
                        rng.next() % 7
                    )
                    .into_bytes();
                }
                let mut req = client.post(l.url()).body(body.clone());
                if i % 2 == 0 {
                    req = req
                        .header("X-Partner-Auth", "hdr")
                        .header("x-360dialog-signature", sign(&body, SECRET));
                } else if i % 3 == 0 {
                    req = req.header("x-360dialog-signature", hex_of(&rng.bytes(32)));
                }
                req.send()
            })
            .collect();
        for r in futures_util::future::join_all(batch).await {
            *counts
                .entry(r.expect("every request is answered").status().as_u16())
                .or_default() += 1;
        }
    }
    assert_eq!(counts.values().sum::<u32>(), 10_000);
    for status in counts.keys() {
        assert!(
            [200, 400, 401].contains(status),
            "unexpected status {status}: {counts:?}"
        );
    }
    assert!(
        counts.get(&200).copied().unwrap_or(0) > 0 && counts.get(&401).copied().unwrap_or(0) > 0
    );
    assert_eq!(good_request_status(&l.addr), 200);
    assert!(l.peak_rss_mib() < 64, "peak RSS {} MiB", l.peak_rss_mib());
}

fn hex_of(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn header_floods_and_a_100_mib_body_are_refused_without_buffering() {
    let l = Listen::start();

    // 5,000 headers: refused (431) or the connection closed; never a hang.
    let mut s = TcpStream::connect(&l.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    let mut head = String::from("POST /webhook HTTP/1.1\r\nHost: x\r\n");
    for i in 0..5_000 {
        head.push_str(&format!("X-Flood-{i}: {}\r\n", "v".repeat(20)));
    }
    head.push_str("Content-Length: 2\r\n\r\n{}");
    let _ = s.write_all(head.as_bytes());
    let answer = status_of(&mut s);
    assert!(
        matches!(answer, None | Some(431) | Some(400)),
        "header flood answered {answer:?}"
    );

    // A 100 MiB body against a 64 KiB cap: 413 after at most the cap plus 1 MiB
    // is read; the rest is never read, so memory stays flat.
    let mut s = TcpStream::connect(&l.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    let size = 100 * 1024 * 1024;
    let head = format!(
        "POST /webhook HTTP/1.1\r\nHost: x\r\nX-Partner-Auth: hdr\r\nContent-Length: {size}\r\n\r\n"
    );
    s.write_all(head.as_bytes()).unwrap();
    let chunk = vec![b'x'; 64 * 1024];
    let mut sent = 0usize;
    while sent < size {
        match s.write(&chunk) {
            Ok(n) => sent += n,
            Err(_) => break, // the listener stopped reading and closed: expected
        }
    }
    assert!(sent < size, "the listener read the whole 100 MiB");
    let answer = status_of(&mut s);
    assert!(
        matches!(answer, None | Some(413)),
        "100 MiB answered {answer:?}"
    );

    assert_eq!(good_request_status(&l.addr), 200);
    assert!(l.peak_rss_mib() < 64, "peak RSS {} MiB", l.peak_rss_mib());
}

#[test]
fn slow_loris_connections_are_timed_out_while_others_are_served() {
    let l = Listen::start();
    // 100 connections that send half a request head and then nothing.
    let mut slow: Vec<TcpStream> = (0..100)
        .map(|_| {
            let mut s = TcpStream::connect(&l.addr).unwrap();
            s.write_all(b"POST /webhook HTTP/1.1\r\nHost: x\r\nX-Partner-")
                .unwrap();
            s
        })
        .collect();
    // Meanwhile a normal request is answered at once.
    let t = Instant::now();
    assert_eq!(good_request_status(&l.addr), 200);
    assert!(t.elapsed() < Duration::from_secs(2));
    // After the header timeout (10 s) every slow connection is closed by the listener.
    let started = Instant::now();
    for s in &mut slow {
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut buf = [0u8; 512];
        // Ok: closed (0 bytes) or answered (408); a reset is closed too. A read
        // timeout means the listener still held the connection after 20 s.
        if let Err(e) = s.read(&mut buf) {
            assert!(
                !matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ),
                "a slow connection was still open after 20 s"
            );
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "slow connections were not timed out"
    );
    assert_eq!(good_request_status(&l.addr), 200);
}
