//! Any partner id through `validate::partner_id_segment`: never panics, and an
//! accepted id is exactly one path segment that decodes back to the id.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partner_webhooks::validate::partner_id_segment;

fuzz_target!(|id: String| {
    if let Ok(segment) = partner_id_segment(&id) {
        let mut url = url::Url::parse("https://hub.360dialog.io/").unwrap();
        url.set_path(&format!("/api/v2/partners/{segment}/webhook_url"));
        let segments: Vec<&str> = url.path_segments().unwrap().collect();
        assert_eq!(segments.len(), 5, "{url}");
        assert_eq!(segments[3], segment);
        let decoded = percent_encoding::percent_decode_str(&segment).decode_utf8().unwrap();
        assert_eq!(decoded, id);
    }
});
