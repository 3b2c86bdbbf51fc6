//! Any headers and body through `WebhookVerifier::verify`: never panics, and
//! whatever it accepts really is signed by the secret and carries the header.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use partner_webhooks::verifier::WebhookVerifier;

#[derive(Arbitrary, Debug)]
struct Request {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Also send a correct signature, so the parser behind it is reached.
    sign: bool,
}

fuzz_target!(|r: Request| {
    let verifier = WebhookVerifier::builder()
        .secret("fuzz-secret")
        .require_header("X-Partner-Auth", "expected")
        .max_body(64 * 1024)
        .build()
        .unwrap();
    let mut headers = r.headers;
    if r.sign {
        headers.push(("x-360dialog-signature".into(), partner_webhooks::sign(&r.body, "fuzz-secret")));
        headers.push(("x-partner-auth".into(), "expected".into()));
    }
    let pairs = headers.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    match verifier.verify(pairs, &r.body) {
        Ok(event) => {
            let sig = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("x-360dialog-signature"));
            let (_, sig) = sig.expect("accepted without a signature");
            assert!(partner_webhooks::verify_signature(&r.body, sig, &["fuzz-secret"]).is_ok());
            let _ = event.dedup_key();
        }
        Err(e) => {
            let _ = (e.kind(), e.http_status(), e.to_string());
        }
    }
});
