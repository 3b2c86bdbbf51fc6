//! Any status and body through `Error::from_response` (how error answers are
//! decoded): never panics; the kind follows the status; Display is one line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partner_webhooks::{Error, ErrorKind};

fuzz_target!(|input: (u16, &[u8])| {
    let (status, body) = input;
    let status = 100 + status % 500;
    let e = Error::from_response(status, body, None);
    assert_eq!(e.kind(), ErrorKind::from_status(status));
    assert_eq!(e.status(), Some(status));
    let shown = e.to_string();
    assert!(!shown.contains('\n'), "Display is one line: {shown:?}");
    let _ = (format!("{e:?}"), e.details(), e.developer_message(), e.trace_id(), e.body());
});
