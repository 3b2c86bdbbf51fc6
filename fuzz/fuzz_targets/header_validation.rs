//! Any header name and value through `validate::webhook_headers`: never panics,
//! and what it accepts is a token name and a value without CR, LF or NUL.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partner_webhooks::models::WebhookHeaders;
use partner_webhooks::validate::{is_token, webhook_headers};

fuzz_target!(|pair: (String, String)| {
    let (name, value) = pair;
    let headers = WebhookHeaders::from_pairs([(name.as_str(), value.as_str())]);
    if webhook_headers(&headers).is_ok() {
        assert!(is_token(&name));
        assert!(!value.contains(['\r', '\n', '\0']));
    }
});
