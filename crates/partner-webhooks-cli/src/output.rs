//! How results and errors are printed: readable lines, or JSON with `--json`.
//!
//! Everything is written with `outln!`/`errln!`, which ignore a closed pipe:
//! `partner-webhooks listen | head -1` must not kill the receiver.

/// `println!` that ignores write errors (a closed pipe) instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `eprintln!` that ignores write errors instead of panicking.
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

use partner_webhooks::models::WebhookHeaders;
use partner_webhooks::{Error, ErrorKind};
use serde_json::{Value, json};

/// Exit code for an error (see the `--help` text).
pub fn exit_code(e: &Error) -> u8 {
    match e.kind() {
        ErrorKind::InvalidInput => 2,
        ErrorKind::Server | ErrorKind::Timeout | ErrorKind::Connection | ErrorKind::Decode => 4,
        _ => 3,
    }
}

/// One line on stderr: kind, status, trace id and message; never a secret.
pub fn print_error(e: &Error, json_mode: bool) {
    if json_mode {
        let line = json!({
            "error": {
                "kind": e.kind().as_str(),
                "status": e.status(),
                "trace_id": e.trace_id(),
                "field": e.field(),
                "message": e.to_string(),
                "developer_message": e.developer_message(),
                "details": e.details(),
                "attempts": e.attempts(),
            }
        });
        errln!("{line}");
    } else {
        errln!("error: {e}");
    }
}

/// A masked rendering of a header value: its type and length, not its content.
pub fn mask(value: &Value) -> String {
    match value {
        Value::String(s) => format!("******** ({} chars)", s.chars().count()),
        other => format!("******** (JSON {})", json_type(other)),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Readable lines for a header map.
pub fn header_lines(headers: Option<&WebhookHeaders>, reveal: bool) -> Vec<String> {
    let Some(h) = headers.filter(|h| !h.is_empty()) else {
        return vec!["(no webhook headers set)".to_string()];
    };
    h.0.iter()
        .map(|(name, value)| {
            let shown = match (reveal, value) {
                (true, Value::String(s)) => s.clone(),
                (true, other) => other.to_string(),
                (false, v) => mask(v),
            };
            format!("{name}: {shown}")
        })
        .collect()
}

/// An accepted event as one JSON object (what `listen --json` prints).
pub fn event_json(e: &partner_webhooks::VerifiedEvent) -> Value {
    json!({
        "event": e.event_type(),
        "type": e.known_type(),
        "id": e.id(),
        "channel_id": e.channel_id(),
        "client_id": e.client_id(),
        "phone_number": e.phone_number(),
        "phone_name": e.phone_name(),
        "status": e.status(),
        "signature_verified": e.signature_verified(),
        "data": e.data(),
    })
}

/// An accepted event as one readable line.
pub fn event_line(e: &partner_webhooks::VerifiedEvent) -> String {
    let mut line = format!("{:<26}", e.event_type());
    if e.is_unknown() {
        line.push_str(" (unknown event, kept whole)");
    }
    for (label, value) in [
        ("channel", e.channel_id()),
        ("client", e.client_id()),
        ("phone", e.phone_number()),
        ("status", e.status()),
    ] {
        if let Some(v) = value {
            line.push_str(&format!(" {label}={v}"));
        }
    }
    line.push_str(if e.signature_verified() {
        "  [signature ok]"
    } else {
        "  [unsigned]"
    });
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_lines_hide_values() {
        let h = WebhookHeaders::from_pairs([("X-Auth", "topsecret")]);
        assert_eq!(
            header_lines(Some(&h), false),
            vec!["X-Auth: ******** (9 chars)"]
        );
        assert_eq!(header_lines(Some(&h), true), vec!["X-Auth: topsecret"]);
        assert_eq!(header_lines(None, false), vec!["(no webhook headers set)"]);
    }

    #[test]
    fn exit_codes_by_kind() {
        assert_eq!(exit_code(&Error::invalid_input("x", "y")), 2);
        assert_eq!(exit_code(&Error::from_response(404, b"", None)), 3);
        assert_eq!(exit_code(&Error::from_response(429, b"", None)), 3);
        assert_eq!(exit_code(&Error::from_response(503, b"", None)), 4);
        assert_eq!(exit_code(&Error::other(ErrorKind::Timeout, "t")), 4);
    }
}
