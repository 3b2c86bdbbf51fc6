//! Runs every signed payload vector in `tests/vectors/` (see that folder's
//! README for the format) through `WebhookVerifier`.

use std::path::{Path, PathBuf};

use partner_webhooks::{VerifiedEvent, WebhookVerifier};
use serde_json::Value;

fn vector_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("tests/vectors exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn verifier(spec: &Value) -> WebhookVerifier {
    let mut b = WebhookVerifier::builder();
    for s in spec["secrets"].as_array().into_iter().flatten() {
        b = b.secret(s.as_str().unwrap());
    }
    for (name, value) in spec["required_headers"].as_object().into_iter().flatten() {
        b = b.require_header(name.as_str(), value.as_str().unwrap());
    }
    if let Some(max) = spec["max_body"].as_u64() {
        b = b.max_body(max as usize);
    }
    if let Some(required) = spec["require_signature"].as_bool() {
        b = b.require_signature(required);
    }
    b.build().expect("vector verifier config")
}

fn body(request: &Value) -> Vec<u8> {
    match (&request["body"], &request["body_base64"]) {
        (Value::String(text), _) => text.as_bytes().to_vec(),
        (_, Value::String(b64)) => decode_base64(b64),
        _ => panic!("request needs body or body_base64"),
    }
}

/// Standard base64 (the vectors only use it for a few short bodies).
fn decode_base64(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|c| *c != b'=') {
        acc = (acc << 6) | ALPHABET.iter().position(|a| *a == c).expect("base64") as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

fn accessor(event: &VerifiedEvent, name: &str) -> Value {
    let v = match name {
        "event_type" => Some(event.event_type()),
        "known_type" => event.known_type(),
        "id" => event.id(),
        "channel_id" => event.channel_id(),
        "client_id" => event.client_id(),
        "phone_number" => event.phone_number(),
        "phone_name" => event.phone_name(),
        "status" => event.status(),
        "signature_verified" => return Value::Bool(event.signature_verified()),
        other => panic!("unknown expectation {other}"),
    };
    v.map_or(Value::Null, |s| Value::String(s.to_string()))
}

fn run(path: &Path) -> Result<(), String> {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap())
        .map_err(|e| format!("{name}: {e}"))?;
    let verifier = verifier(&v["verifier"]);
    let headers: Vec<(String, String)> = v["request"]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().unwrap().to_string(),
                pair[1].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let outcome = verifier.verify(
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        &body(&v["request"]),
    );
    let expect = v["expect"].as_object().unwrap();
    let mut failures = Vec::new();
    match (expect.get("error"), outcome) {
        (Some(kind), Err(e)) => {
            if kind.as_str() != Some(e.kind().as_str()) {
                failures.push(format!("error: expected {kind}, got {e}"));
            }
            if expect.get("http_status").and_then(Value::as_u64) != Some(u64::from(e.http_status()))
            {
                failures.push(format!(
                    "http_status: expected {:?}, got {}",
                    expect.get("http_status"),
                    e.http_status()
                ));
            }
        }
        (Some(kind), Ok(ev)) => {
            failures.push(format!("expected {kind}, got event {:?}", ev.event_type()))
        }
        (None, Err(e)) => failures.push(format!("expected an event, got {e}")),
        (None, Ok(ev)) => {
            for (key, want) in expect {
                let got = accessor(&ev, key);
                if &got != want {
                    failures.push(format!("{key}: expected {want}, got {got}"));
                }
            }
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("{name}: {}", failures.join("; ")))
    }
}

#[test]
fn all_vectors_pass() {
    let files = vector_files();
    assert!(
        files.len() >= 40,
        "expected at least 40 vectors, found {}",
        files.len()
    );
    let failures: Vec<String> = files.iter().filter_map(|f| run(f).err()).collect();
    println!(
        "{} vectors passed, {} failed",
        files.len() - failures.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "vector failures:\n{}",
        failures.join("\n")
    );
}
