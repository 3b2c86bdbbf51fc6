//! The signature debugger: given a body, a signature and a secret, it says
//! "verified", or why not. The most common webhook bug is verifying a body
//! that is no longer the bytes that were signed (parsed and serialized
//! again, whitespace or line endings changed, decoded in another encoding),
//! so when the signature is one of the sandbox's deliveries, the body is
//! compared with what was sent.

use serde::Serialize;
use serde_json::Value;

use crate::delivery::signature;

/// Why a signature did or did not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Cause {
    Verified,
    WrongSecret,
    Reserialized,
    Whitespace,
    Encoding,
    SignatureFormat,
    BodyChanged,
    Unknown,
}

impl Cause {
    fn explain(self) -> &'static str {
        match self {
            Cause::Verified => {
                "Verified: the HMAC-SHA256 of these exact bytes with this secret is the signature."
            }
            Cause::WrongSecret => {
                "Wrong secret: the body is intact, but the signature was made with another secret (the platform secret)."
            }
            Cause::Reserialized => {
                "The body was parsed and serialized again (key order, spacing or escapes changed). \
                 Compute the HMAC over the raw request body, before any JSON parsing."
            }
            Cause::Whitespace => {
                "Whitespace or line endings were changed (a trailing newline, \\r\\n, indentation). \
                 Verify the raw bytes exactly as received."
            }
            Cause::Encoding => {
                "The body was decoded in another encoding (for example Latin-1 instead of UTF-8) or \
                 re-encoded. Verify the raw bytes, not a decoded string."
            }
            Cause::SignatureFormat => {
                "The signature is right but written another way (upper-case hex or base64): \
                 x-360dialog-signature is lower-case hex; compare that form, in constant time."
            }
            Cause::BodyChanged => {
                "The body differs from what was sent, beyond spacing, order or encoding."
            }
            Cause::Unknown => {
                "Neither the secret nor a spacing, order or encoding change explains it: \
                 the body or the secret differs from what was signed."
            }
        }
    }
}

/// The debugger's answer.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Diagnosis {
    pub(crate) verified: bool,
    pub(crate) cause: Cause,
    pub(crate) message: &'static str,
    /// The HMAC of the given body with the given secret.
    pub(crate) expected: String,
    /// The signature as given.
    pub(crate) received: String,
    /// The delivery the signature belongs to, when it is one of the sandbox's.
    pub(crate) delivery_id: Option<String>,
}

/// Diagnoses `body` against `received` with `secret`. `platform_secret` is
/// the sandbox's; `sent` lists the deliveries' ids and exact bodies.
pub(crate) fn diagnose(
    body: &str,
    received: &str,
    secret: &str,
    platform_secret: &str,
    sent: &[(String, String)],
) -> Diagnosis {
    let received_trim = received.trim();
    let expected = signature(body.as_bytes(), secret);
    let original = sent.iter().find(|(_, b)| {
        signature(b.as_bytes(), platform_secret) == received_trim.to_ascii_lowercase()
    });
    let cause = cause(
        body,
        received_trim,
        &expected,
        secret,
        platform_secret,
        original.map(|(_, b)| b.as_str()),
    );
    Diagnosis {
        verified: cause == Cause::Verified,
        cause,
        message: cause.explain(),
        expected,
        received: received.to_string(),
        delivery_id: original.map(|(id, _)| id.clone()),
    }
}

fn cause(
    body: &str,
    received: &str,
    expected: &str,
    secret: &str,
    platform_secret: &str,
    original: Option<&str>,
) -> Cause {
    if received == expected {
        return Cause::Verified;
    }
    if received.eq_ignore_ascii_case(expected)
        || base64_of_hex(received).as_deref() == Some(expected)
    {
        return Cause::SignatureFormat;
    }
    if secret != platform_secret
        && signature(body.as_bytes(), platform_secret) == received.to_ascii_lowercase()
    {
        return Cause::WrongSecret;
    }
    match original {
        Some(sent) => compare(body, sent),
        // Not one of ours: try what receivers usually do to a body.
        None => {
            let signs = |b: &str| signature(b.as_bytes(), secret) == received.to_ascii_lowercase();
            if whitespace_variants(body).iter().any(|b| signs(b)) {
                Cause::Whitespace
            } else if serde_json::from_str::<Value>(body).is_ok_and(|v| signs(&v.to_string())) {
                Cause::Reserialized
            } else {
                Cause::Unknown
            }
        }
    }
}

/// How `body` differs from the bytes that were `sent`.
fn compare(body: &str, sent: &str) -> Cause {
    if whitespace_variants(body).iter().any(|b| b == sent) {
        return Cause::Whitespace;
    }
    let latin1: String = sent.bytes().map(char::from).collect();
    if body == latin1 && body != sent {
        return Cause::Encoding;
    }
    match (
        serde_json::from_str::<Value>(body),
        serde_json::from_str::<Value>(sent),
    ) {
        (Ok(a), Ok(b)) if a == b => Cause::Reserialized,
        _ => Cause::BodyChanged,
    }
}

/// The body with its line endings and outer whitespace normalized.
fn whitespace_variants(body: &str) -> [String; 3] {
    let lf = body.replace("\r\n", "\n");
    [lf.trim().to_string(), body.trim().to_string(), lf]
}

/// The lower-case hex of a base64 signature of 32 bytes.
fn base64_of_hex(s: &str) -> Option<String> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD.decode(s).ok()?;
    (bytes.len() == 32).then(|| hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "platform-secret";
    const SENT: &str = r#"{"id":"d1","event":"channel_live","data":{"id":"c","name":"Café"}}"#;

    fn check(body: &str, sig: &str, secret: &str) -> Cause {
        diagnose(body, sig, secret, SECRET, &[("d1".into(), SENT.into())]).cause
    }

    #[test]
    fn each_cause_is_named() {
        let sig = signature(SENT.as_bytes(), SECRET);
        assert_eq!(check(SENT, &sig, SECRET), Cause::Verified);
        assert_eq!(check(SENT, &sig, "another"), Cause::WrongSecret);
        let pretty =
            serde_json::to_string_pretty(&serde_json::from_str::<Value>(SENT).unwrap()).unwrap();
        assert_eq!(check(&pretty, &sig, SECRET), Cause::Reserialized);
        assert_eq!(
            check(&format!("{SENT}\r\n"), &sig, SECRET),
            Cause::Whitespace
        );
        let mojibake: String = SENT.bytes().map(char::from).collect();
        assert_eq!(check(&mojibake, &sig, SECRET), Cause::Encoding);
        assert_eq!(
            check(SENT, &sig.to_uppercase(), SECRET),
            Cause::SignatureFormat
        );
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD.encode(hex::decode(&sig).unwrap());
        assert_eq!(check(SENT, &b64, SECRET), Cause::SignatureFormat);
        assert_eq!(
            check(&SENT.replace("Café", "Cafe"), &sig, SECRET),
            Cause::BodyChanged
        );
        assert_eq!(check(SENT, &"0".repeat(64), SECRET), Cause::Unknown);
        let d = diagnose(&pretty, &sig, SECRET, SECRET, &[("d1".into(), SENT.into())]);
        assert_eq!((d.delivery_id.as_deref(), d.verified), (Some("d1"), false));
        assert_eq!(d.expected, signature(pretty.as_bytes(), SECRET));
    }

    #[test]
    fn a_body_that_is_not_a_delivery_is_checked_against_what_receivers_do_to_it() {
        let sent = r#"{"a":1,"b":2}"#;
        let sig = signature(sent.as_bytes(), "s");
        assert_eq!(
            diagnose(&format!("{sent}\n"), &sig, "s", SECRET, &[]).cause,
            Cause::Whitespace
        );
        assert_eq!(
            diagnose("{\"a\": 1, \"b\": 2}", &sig, "s", SECRET, &[]).cause,
            Cause::Reserialized
        );
        assert_eq!(
            diagnose("not json", &sig, "s", SECRET, &[]).cause,
            Cause::Unknown
        );
    }
}
