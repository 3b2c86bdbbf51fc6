//! Properties checked with proptest (random inputs, shrunk on failure):
//! partner-id encoding never changes the request path; header-name validation
//! accepts exactly the RFC 9110 token set; sign/verify round-trips.

use partner_webhooks::models::WebhookHeaders;
use partner_webhooks::signature::{sign, verify_signature};
use partner_webhooks::validate::{
    RESERVED_HEADER_NAMES, is_token, partner_id_segment, webhook_headers,
};
use proptest::prelude::*;
use url::Url;

/// RFC 9110 §5.6.2 `tchar`, written out independently of the SDK.
const TCHAR: &str = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Names the SDK refuses even though they are tokens (its documented list).
fn reserved(name: &str) -> bool {
    RESERVED_HEADER_NAMES.contains(&name.to_ascii_lowercase().as_str())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Whatever the partner id, the URL has exactly the API's path shape and the
    /// id comes back out of its one segment unchanged.
    #[test]
    fn partner_id_encoding_never_changes_the_path(id in any::<String>()) {
        if let Ok(segment) = partner_id_segment(&id) {
            let mut url = Url::parse("https://hub.360dialog.io/").unwrap();
            url.set_path(&format!("/api/v2/partners/{segment}/webhook_url"));
            let segments: Vec<&str> = url.path_segments().unwrap().collect();
            prop_assert_eq!(segments.len(), 5, "{}", url);
            prop_assert_eq!(&segments[..3], &["api", "v2", "partners"]);
            prop_assert_eq!(segments[4], "webhook_url");
            let decoded = percent_encoding::percent_decode_str(segments[3]).decode_utf8().unwrap();
            prop_assert_eq!(decoded, id.as_str());
            prop_assert!(url.query().is_none() && url.fragment().is_none());
        }
    }

    /// Path-like ids in particular (the generic strategy rarely builds them).
    #[test]
    fn path_like_partner_ids_stay_in_one_segment(id in "[./?#%a-zA-Z0-9 ]{1,12}") {
        if let Ok(segment) = partner_id_segment(&id) {
            prop_assert!(!segment.contains('/') && !segment.contains('?') && !segment.contains('#'));
            prop_assert!(segment != "." && segment != "..");
        }
    }

    /// `is_token` is exactly "non-empty and every byte a tchar".
    #[test]
    fn token_check_is_exactly_rfc_9110(name in any::<String>()) {
        let expected = !name.is_empty() && name.chars().all(|c| TCHAR.contains(c));
        prop_assert_eq!(is_token(&name), expected);
    }

    /// Over the token alphabet plus a few separators: a header is accepted iff
    /// its name is a token, not reserved and not too long.
    #[test]
    fn header_names_are_accepted_exactly_when_valid(name in "[a-zA-Z0-9!#$%&'*+.^_`|~ :;,()/@\\[\\]-]{0,20}") {
        let valid = !name.is_empty() && name.chars().all(|c| TCHAR.contains(c)) && !reserved(&name);
        let result = webhook_headers(&WebhookHeaders::from_pairs([(name.as_str(), "v")]));
        prop_assert_eq!(result.is_ok(), valid, "{:?}: {:?}", name, result.err());
    }

    /// `sign` then `verify_signature` accepts the body, in either case and with
    /// the `sha256=` prefix, and refuses any other body.
    #[test]
    fn sign_verify_round_trips(body in proptest::collection::vec(any::<u8>(), 0..2048),
                               other in proptest::collection::vec(any::<u8>(), 0..64),
                               secret in "[ -~]{1,40}") {
        let sig = sign(&body, &secret);
        prop_assert_eq!(verify_signature(&body, &sig, &[secret.as_str()]), Ok(0));
        // The decoy is longer than the secret, so it can never equal it.
        let decoy = format!("{secret}-old");
        prop_assert_eq!(verify_signature(&body, &format!("sha256={}", sig.to_uppercase()), &[decoy.as_str(), secret.as_str()]), Ok(1));
        if other != body {
            prop_assert!(verify_signature(&other, &sig, &[secret.as_str()]).is_err());
        }
    }
}
