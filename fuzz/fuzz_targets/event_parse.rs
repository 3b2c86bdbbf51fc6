//! Any bytes: `parse_event` and every accessor of what it returns never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    if let Ok(event) = partner_webhooks::parse_event(body) {
        let _ = (event.event_type(), event.known_type(), event.is_unknown(), event.id());
        let _ = (event.channel_id(), event.client_id(), event.status());
        let _ = (event.phone_number(), event.phone_name(), event.dedup_key());
        assert_eq!(event.raw().as_str().as_bytes(), body, "raw is the body byte for byte");
        let _ = (event.data(), event.raw().value());
        let _ = format!("{event:?}");
    }
});
