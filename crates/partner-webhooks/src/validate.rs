//! Client-side validation: every argument is checked before a byte is sent.
//!
//! Each failure is an [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput)
//! error naming the field and the rule it broke.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use url::{Host, Url};

use crate::Error;
use crate::models::WebhookHeaders;

/// Longest partner id accepted, in bytes.
pub const MAX_PARTNER_ID_LEN: usize = 128;
/// Longest webhook URL accepted, in bytes.
pub const MAX_WEBHOOK_URL_LEN: usize = 2048;
/// Most custom webhook headers accepted.
pub const MAX_HEADERS: usize = 50;
/// Longest header name accepted, in bytes.
pub const MAX_HEADER_NAME_LEN: usize = 256;
/// Longest header value accepted, in bytes.
pub const MAX_HEADER_VALUE_LEN: usize = 4096;
/// Most bytes of names and values together.
pub const MAX_HEADERS_TOTAL_LEN: usize = 16 * 1024;

/// Header names a partner may not set: they would break or forge the delivery
/// (hop-by-hop and framing headers per RFC 9110 §7.6.1, and the signature).
pub const RESERVED_HEADER_NAMES: &[&str] = &[
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "upgrade",
    "te",
    "trailer",
    "x-360dialog-signature",
];

/// Everything but RFC 3986 unreserved characters is percent-encoded, so a
/// partner id is always exactly one path segment.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Checks a partner id and returns it percent-encoded as one path segment.
///
/// ```
/// use partner_webhooks::validate::partner_id_segment;
/// assert_eq!(partner_id_segment("abcPA").unwrap(), "abcPA");
/// assert_eq!(partner_id_segment("../x?y#z").unwrap(), "..%2Fx%3Fy%23z");
/// assert!(partner_id_segment("").is_err());
/// assert!(partner_id_segment("..").is_err());
/// ```
pub fn partner_id_segment(partner_id: &str) -> Result<String, Error> {
    path_segment("partner_id", partner_id)
}

/// Checks the value of the path parameter `field` and returns it
/// percent-encoded as exactly one path segment: non-empty, bounded, no
/// control characters, not `.` or `..`, everything but RFC 3986 unreserved
/// characters encoded, so that no value can change the request's path.
///
/// ```
/// use partner_webhooks::validate::path_segment;
/// assert_eq!(path_segment("partner_id", "a/b").unwrap(), "a%2Fb");
/// assert_eq!(path_segment("partner_id", " ").unwrap_err().field(), Some("partner_id"));
/// ```
pub fn path_segment(field: &str, value: &str) -> Result<String, Error> {
    if value.is_empty() {
        return Err(Error::invalid_input(field, "must not be empty"));
    }
    if value.trim().is_empty() {
        return Err(Error::invalid_input(field, "must not be only whitespace"));
    }
    if value.len() > MAX_PARTNER_ID_LEN {
        return Err(Error::invalid_input(
            field,
            format!(
                "must be at most {MAX_PARTNER_ID_LEN} bytes (got {})",
                value.len()
            ),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid_input(
            field,
            "must not contain control characters",
        ));
    }
    if value == "." || value == ".." {
        return Err(Error::invalid_input(field, "must not be '.' or '..'"));
    }
    Ok(utf8_percent_encode(value, PATH_SEGMENT).to_string())
}

/// Whether `host` is a loopback name or address (`localhost`, 127.0.0.0/8, ::1).
pub fn is_loopback_host(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(d) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// Checks a webhook URL: absolute `http`/`https` with a host, `https` unless
/// the host is loopback (or `allow_http` is set), at most 2048 bytes, no
/// credentials in it.
///
/// ```
/// use partner_webhooks::validate::webhook_url;
/// assert!(webhook_url("https://example.com/hooks", false).is_ok());
/// assert!(webhook_url("http://127.0.0.1:8080/hooks", false).is_ok());
/// let err = webhook_url("http://example.com/hooks", false).unwrap_err();
/// assert_eq!(err.to_string(), "InvalidInput: webhook_url: must use https unless the host is loopback (got http://example.com)");
/// ```
pub fn webhook_url(raw: &str, allow_http: bool) -> Result<Url, Error> {
    const FIELD: &str = "webhook_url";
    if raw.is_empty() {
        return Err(Error::invalid_input(FIELD, "must not be empty"));
    }
    if raw.len() > MAX_WEBHOOK_URL_LEN {
        return Err(Error::invalid_input(
            FIELD,
            format!(
                "must be at most {MAX_WEBHOOK_URL_LEN} bytes (got {})",
                raw.len()
            ),
        ));
    }
    if raw.trim() != raw || raw.chars().any(char::is_control) {
        return Err(Error::invalid_input(
            FIELD,
            "must not contain whitespace at the ends or control characters",
        ));
    }
    let url = Url::parse(raw)
        .map_err(|e| Error::invalid_input(FIELD, format!("must be an absolute URL ({e})")))?;
    check_http_url(&url, FIELD, allow_http)?;
    Ok(url)
}

/// Shared rules for the webhook URL and the API base URL.
pub(crate) fn check_http_url(url: &Url, field: &str, allow_http: bool) -> Result<(), Error> {
    let scheme = url.scheme();
    if scheme != "http" && scheme != "https" {
        return Err(Error::invalid_input(
            field,
            format!("must use http or https (got {scheme}:)"),
        ));
    }
    let Some(host) = url.host() else {
        return Err(Error::invalid_input(field, "must have a host"));
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid_input(
            field,
            "must not contain a user name or password",
        ));
    }
    if scheme == "http" && !allow_http && !is_loopback_host(&host) {
        return Err(Error::invalid_input(
            field,
            format!("must use https unless the host is loopback (got http://{host})"),
        ));
    }
    Ok(())
}

/// Whether `name` is an RFC 9110 `token` (the grammar of a header field name).
///
/// ```
/// use partner_webhooks::validate::is_token;
/// assert!(is_token("X-Partner-Auth"));
/// assert!(is_token("a!#$%&'*+-.^_`|~9"));
/// assert!(!is_token("Bad Name"));
/// assert!(!is_token(""));
/// ```
pub fn is_token(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(is_tchar)
}

/// RFC 9110 `tchar`.
pub fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Checks custom webhook headers: names are RFC 9110 tokens, not reserved and
/// not repeated (case-insensitively); string values have no CR, LF, NUL or
/// other control characters except tab; counts and sizes are bounded.
///
/// ```
/// use partner_webhooks::{models::WebhookHeaders, validate::webhook_headers};
/// assert!(webhook_headers(&WebhookHeaders::from_pairs([("X-Auth", "s3cret")])).is_ok());
/// let err = webhook_headers(&WebhookHeaders::from_pairs([("Host", "evil")])).unwrap_err();
/// assert_eq!(err.field(), Some("webhook_headers.Host"));
/// ```
pub fn webhook_headers(headers: &WebhookHeaders) -> Result<(), Error> {
    if headers.len() > MAX_HEADERS {
        return Err(Error::invalid_input(
            "webhook_headers",
            format!("at most {MAX_HEADERS} headers (got {})", headers.len()),
        ));
    }
    let mut total = 0usize;
    let mut seen = std::collections::HashSet::new();
    for (name, value) in &headers.0 {
        // The field name is shown, never the value.
        let field = || format!("webhook_headers.{}", printable(name));
        if !is_token(name) {
            return Err(Error::invalid_input(
                field(),
                "header name must be an RFC 9110 token (letters, digits and !#$%&'*+-.^_`|~)",
            ));
        }
        if name.len() > MAX_HEADER_NAME_LEN {
            return Err(Error::invalid_input(
                field(),
                format!("header name must be at most {MAX_HEADER_NAME_LEN} bytes"),
            ));
        }
        let lower = name.to_ascii_lowercase();
        if RESERVED_HEADER_NAMES.contains(&lower.as_str()) {
            return Err(Error::invalid_input(
                field(),
                "header name is reserved and cannot be set",
            ));
        }
        if !seen.insert(lower) {
            return Err(Error::invalid_input(
                field(),
                "header name is repeated (names are case-insensitive)",
            ));
        }
        let serde_json::Value::String(value) = value else {
            return Err(Error::invalid_input(
                field(),
                "header value must be a string",
            ));
        };
        if value.len() > MAX_HEADER_VALUE_LEN {
            return Err(Error::invalid_input(
                field(),
                format!("header value must be at most {MAX_HEADER_VALUE_LEN} bytes"),
            ));
        }
        if value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
            return Err(Error::invalid_input(
                field(),
                "header value must not contain CR, LF or NUL",
            ));
        }
        if value.chars().any(|c| c.is_control() && c != '\t') {
            return Err(Error::invalid_input(
                field(),
                "header value must not contain control characters",
            ));
        }
        total += name.len() + value.len();
    }
    if total > MAX_HEADERS_TOTAL_LEN {
        return Err(Error::invalid_input(
            "webhook_headers",
            format!(
                "names and values together must be at most {MAX_HEADERS_TOTAL_LEN} bytes (got {total})"
            ),
        ));
    }
    Ok(())
}

/// A header name made safe to print in an error: control characters escaped,
/// length capped.
fn printable(name: &str) -> String {
    let escaped: String = name.chars().flat_map(char::escape_debug).take(64).collect();
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn headers_err(pairs: &[(&str, &str)]) -> Error {
        webhook_headers(&WebhookHeaders::from_pairs(pairs.iter().copied())).unwrap_err()
    }

    #[test]
    fn partner_id_rules() {
        for (id, rule) in [
            ("", "must not be empty"),
            ("   ", "must not be only whitespace"),
            (".", "must not be '.' or '..'"),
            ("..", "must not be '.' or '..'"),
            ("a\u{0}b", "must not contain control characters"),
            ("a\nb", "must not contain control characters"),
        ] {
            let e = partner_id_segment(id).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidInput);
            assert_eq!(e.field(), Some("partner_id"));
            assert_eq!(e.message(), rule, "{id:?}");
        }
        let long = "a".repeat(MAX_PARTNER_ID_LEN + 1);
        assert!(
            partner_id_segment(&long)
                .unwrap_err()
                .message()
                .contains("at most 128 bytes")
        );
        assert!(partner_id_segment(&"a".repeat(MAX_PARTNER_ID_LEN)).is_ok());
    }

    #[test]
    fn partner_id_is_always_one_segment() {
        for id in [
            "../x", "a/b", "?q=1", "#frag", "..%2f", "%2e%2e", "a b", "ü/ß", "\\..\\", ";x", "...",
            ".a",
        ] {
            let seg = partner_id_segment(id).unwrap();
            let url = Url::parse(&format!(
                "https://hub.example/api/v2/partners/{seg}/webhook_url"
            ))
            .unwrap();
            let segments: Vec<_> = url.path_segments().unwrap().collect();
            assert_eq!(segments.len(), 5, "{id:?} -> {}", url);
            assert_eq!(segments[4], "webhook_url");
            let decoded = percent_encoding::percent_decode_str(segments[3])
                .decode_utf8()
                .unwrap();
            assert_eq!(decoded, id);
            assert!(url.query().is_none() && url.fragment().is_none());
        }
    }

    #[test]
    fn webhook_url_rules() {
        for (raw, rule) in [
            ("", "must not be empty"),
            (
                "example.com/hook",
                "must be an absolute URL (relative URL without a base)",
            ),
            ("ftp://example.com/x", "must use http or https (got ftp:)"),
            (
                "http://example.com/x",
                "must use https unless the host is loopback (got http://example.com)",
            ),
            (
                "https://user:pw@example.com/x",
                "must not contain a user name or password",
            ),
            (
                " https://example.com",
                "must not contain whitespace at the ends or control characters",
            ),
            (
                "https://exa\nmple.com",
                "must not contain whitespace at the ends or control characters",
            ),
        ] {
            let e = webhook_url(raw, false).unwrap_err();
            assert_eq!(e.field(), Some("webhook_url"), "{raw:?}");
            assert_eq!(e.message(), rule, "{raw:?}");
        }
        let too_long = format!("https://example.com/{}", "a".repeat(MAX_WEBHOOK_URL_LEN));
        assert!(
            webhook_url(&too_long, false)
                .unwrap_err()
                .message()
                .starts_with("must be at most 2048 bytes")
        );
        for ok in [
            "http://localhost:9/x",
            "http://127.0.0.2/x",
            "http://[::1]:80/",
            "https://example.com",
        ] {
            webhook_url(ok, false).unwrap();
        }
        assert!(webhook_url("http://example.com/x", true).is_ok());
    }

    #[test]
    fn header_rules() {
        /// (headers, expected field, expected start of the rule)
        type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
        let cases: &[Case] = &[
            (
                &[("Bad Name", "v")],
                "webhook_headers.Bad Name",
                "header name must be an RFC 9110 token",
            ),
            (
                &[("", "v")],
                "webhook_headers.",
                "header name must be an RFC 9110 token",
            ),
            (
                &[("X-ü", "v")],
                "webhook_headers.X-ü",
                "header name must be an RFC 9110 token",
            ),
            (
                &[("Content-Length", "1")],
                "webhook_headers.Content-Length",
                "header name is reserved",
            ),
            (
                &[("transfer-encoding", "x")],
                "webhook_headers.transfer-encoding",
                "header name is reserved",
            ),
            (
                &[("Connection", "x")],
                "webhook_headers.Connection",
                "header name is reserved",
            ),
            (
                &[("X-360Dialog-Signature", "x")],
                "webhook_headers.X-360Dialog-Signature",
                "header name is reserved",
            ),
            (
                &[("X-A", "a\r\nInjected: 1")],
                "webhook_headers.X-A",
                "header value must not contain CR, LF or NUL",
            ),
            (
                &[("X-A", "a\0")],
                "webhook_headers.X-A",
                "header value must not contain CR, LF or NUL",
            ),
            (
                &[("X-A", "a\u{7}")],
                "webhook_headers.X-A",
                "header value must not contain control characters",
            ),
            (
                &[("X-A", "1"), ("x-a", "2")],
                "webhook_headers.x-a",
                "header name is repeated",
            ),
        ];
        for (pairs, field, rule) in cases {
            let e = headers_err(pairs);
            assert_eq!(e.kind(), ErrorKind::InvalidInput);
            assert_eq!(e.field(), Some(*field), "{pairs:?}");
            assert!(e.message().starts_with(rule), "{pairs:?}: {}", e.message());
            // The value never appears in the error.
            for (_, v) in pairs.iter() {
                if v.len() > 2 {
                    assert!(!e.to_string().contains(v), "{e}");
                }
            }
        }
        let many: Vec<(String, String)> = (0..=MAX_HEADERS)
            .map(|i| (format!("X-{i}"), "v".into()))
            .collect();
        let e = webhook_headers(&WebhookHeaders::from_pairs(many)).unwrap_err();
        assert_eq!(e.message(), "at most 50 headers (got 51)");
        let big = "v".repeat(MAX_HEADER_VALUE_LEN + 1);
        assert!(
            headers_err(&[("X-A", &big)])
                .message()
                .starts_with("header value must be at most")
        );
        let quarter = "v".repeat(4000);
        let total: Vec<(String, String)> = (0..5)
            .map(|i| (format!("X-{i}"), quarter.clone()))
            .collect();
        assert!(
            webhook_headers(&WebhookHeaders::from_pairs(total))
                .unwrap_err()
                .message()
                .starts_with("names and values together")
        );
        let mut h = WebhookHeaders::default();
        h.0.insert("X-N".into(), serde_json::json!(5));
        assert_eq!(
            webhook_headers(&h).unwrap_err().message(),
            "header value must be a string"
        );
        // Allowed: tab, obs-text, empty map, empty value.
        webhook_headers(&WebhookHeaders::from_pairs([
            ("X-A", "a\tb"),
            ("X-B", "ünïcode"),
            ("X-C", ""),
        ]))
        .unwrap();
        webhook_headers(&WebhookHeaders::default()).unwrap();
    }
}
