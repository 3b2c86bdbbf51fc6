//! The `x-360dialog-signature` header: HMAC-SHA256 of the raw body with the
//! partner's platform secret, hex encoded (base64 of the same 32 bytes is
//! accepted too: one public integration reports having seen both); and the Integrated Onboarding
//! signature (HMAC-SHA512 of `"{partner_id}|{unix_seconds}"`).
//!
//! ```
//! use partner_webhooks::signature::{sign, verify_signature};
//! let body = br#"{"event":"channel_live"}"#;
//! let header = sign(body, "platform-secret");
//! assert!(verify_signature(body, &header, &["old-secret", "platform-secret"]).is_ok());
//! assert!(verify_signature(body, &format!("sha256={}", header.to_uppercase()), &["platform-secret"]).is_ok());
//! assert!(verify_signature(b"tampered", &header, &["platform-secret"]).is_err());
//! ```

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Sha256, Sha512};

/// The header 360dialog puts the signature in.
pub const SIGNATURE_HEADER: &str = "x-360dialog-signature";

/// Why a signature did not verify. Never contains the secret or the expected value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// No secret was given to check against.
    #[error("no signing secret configured")]
    NoSecrets,
    /// The header is neither hex nor base64 of a SHA-256 digest (with an
    /// optional `sha256=` prefix).
    #[error(
        "the signature is not 64 hex digits or the base64 of 32 bytes (optionally prefixed with sha256=)"
    )]
    Malformed,
    /// Well-formed, but made with none of the secrets (or over other bytes).
    #[error("the signature does not match the body")]
    Mismatch,
}

/// Lowercase hex HMAC-SHA256 of `body` with `secret`: the value 360dialog
/// sends in `x-360dialog-signature`. Useful to sign test requests.
pub fn sign(body: &[u8], secret: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Checks `header_value` against HMAC-SHA256 of the raw `body` bytes under
/// each secret (several for rotation) in constant time. Accepts lower- or
/// uppercase hex or standard base64 (padded or not) of the 32-byte MAC, with
/// or without a `sha256=` prefix and surrounding spaces.
/// Returns the index of the secret that matched.
pub fn verify_signature<S: AsRef<str>>(
    body: &[u8],
    header_value: &str,
    secrets: &[S],
) -> Result<usize, SignatureError> {
    verify_with_keys(
        body,
        header_value,
        secrets.iter().map(|s| s.as_ref().as_bytes()),
    )
}

/// [`verify_signature`] over any sequence of keys.
pub(crate) fn verify_with_keys<'k>(
    body: &[u8],
    header_value: &str,
    keys: impl ExactSizeIterator<Item = &'k [u8]>,
) -> Result<usize, SignatureError> {
    SigningKeys::new(keys).verify(body, header_value)
}

/// Secrets made into keyed HMAC-SHA256 states once (the inner and outer key
/// pads hashed), so each check hashes only the body. Debug shows no key.
#[derive(Clone)]
pub(crate) struct SigningKeys(Vec<Hmac<Sha256>>);

impl SigningKeys {
    pub(crate) fn new<'k>(keys: impl IntoIterator<Item = &'k [u8]>) -> Self {
        SigningKeys(
            keys.into_iter()
                .map(|k| {
                    Hmac::<Sha256>::new_from_slice(k).expect("HMAC accepts keys of any length")
                })
                .collect(),
        )
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// The index of the key that made `header_value` over `body`, compared in
    /// constant time (`verify_slice` uses `subtle`).
    pub(crate) fn verify(&self, body: &[u8], header_value: &str) -> Result<usize, SignatureError> {
        if self.0.is_empty() {
            return Err(SignatureError::NoSecrets);
        }
        let expected = decode_signature(header_value)?;
        for (i, keyed) in self.0.iter().enumerate() {
            let mut mac = keyed.clone();
            mac.update(body);
            if mac.verify_slice(&expected).is_ok() {
                return Ok(i);
            }
        }
        Err(SignatureError::Mismatch)
    }
}

impl std::fmt::Debug for SigningKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKeys([{} redacted])", self.0.len())
    }
}

fn decode_signature(header_value: &str) -> Result<[u8; 32], SignatureError> {
    use base64::Engine as _;
    // Standard alphabet, `=` padding optional: 43 or 44 characters for 32 bytes.
    const BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let v = header_value.trim();
    let v = match v.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("sha256=") => &v[7..],
        _ => v,
    };
    let mut out = [0u8; 32];
    if v.len() == 64 {
        hex::decode_to_slice(v, &mut out).map_err(|_| SignatureError::Malformed)?;
        return Ok(out);
    }
    if !(43..=44).contains(&v.len()) {
        return Err(SignatureError::Malformed);
    }
    let mut buf = [0u8; 36];
    match BASE64.decode_slice(v, &mut buf) {
        Ok(32) => {
            out.copy_from_slice(&buf[..32]);
            Ok(out)
        }
        _ => Err(SignatureError::Malformed),
    }
}

/// The Integrated Onboarding signature: lowercase hex HMAC-SHA512 of
/// `"{partner_id}|{unix_seconds}"` with the platform secret. Generate it on
/// your server for each onboarding link; never cache it.
///
/// ```
/// use partner_webhooks::signature::io_signature;
/// let sig = io_signature("aAbBcCPA", "platform-secret", 1775653748);
/// assert_eq!(sig.len(), 128);
/// ```
pub fn io_signature(partner_id: &str, secret: &str, unix_seconds: u64) -> String {
    let mut mac =
        Hmac::<Sha512>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(format!("{partner_id}|{unix_seconds}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answer_rfc4231_case_2() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            sign(b"what do ya want for nothing?", "Jefe"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let mut mac = Hmac::<Sha512>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
        );
    }

    #[test]
    fn io_signature_signs_partner_and_timestamp() {
        let mut mac = Hmac::<Sha512>::new_from_slice(b"s").unwrap();
        mac.update(b"abcPA|1775653748");
        assert_eq!(
            io_signature("abcPA", "s", 1775653748),
            hex::encode(mac.finalize().into_bytes())
        );
        assert_ne!(
            io_signature("abcPA", "s", 1775653748),
            io_signature("abcPA", "s", 1775653749)
        );
    }

    #[test]
    fn header_forms_and_failures() {
        let body = b"{}";
        let sig = sign(body, "k");
        for form in [
            sig.clone(),
            sig.to_uppercase(),
            format!("sha256={sig}"),
            format!("SHA256={sig}"),
            format!("  {sig} "),
        ] {
            assert_eq!(verify_signature(body, &form, &["k"]), Ok(0), "{form}");
        }
        assert_eq!(verify_signature(body, &sig, &["a", "b", "k"]), Ok(2));
        assert_eq!(
            verify_signature(body, &sig, &["other"]),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_signature(body, "xyz", &["k"]),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify_signature(body, &sig[..62], &["k"]),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify_signature(body, "", &["k"]),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify_signature::<&str>(body, &sig, &[]),
            Err(SignatureError::NoSecrets)
        );
        let b64 = {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.encode(hex::decode(&sig).unwrap())
        };
        assert_eq!(b64.len(), 44);
        for form in [
            b64.clone(),
            b64.trim_end_matches('=').to_string(),
            format!("sha256={b64}"),
        ] {
            assert_eq!(verify_signature(body, &form, &["k"]), Ok(0), "{form}");
        }
        assert_eq!(
            verify_signature(body, &b64, &["other"]),
            Err(SignatureError::Mismatch)
        );
        // URL-safe alphabet, 31 bytes, 33 bytes, junk: not a signature.
        let urlsafe = b64.replace('+', "-").replace('/', "_");
        for bad in [
            urlsafe.as_str(),
            &b64[..40],
            "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB",
            "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
        ] {
            if bad != b64 {
                assert_eq!(
                    verify_signature(body, bad, &["k"]),
                    Err(SignatureError::Malformed),
                    "{bad}"
                );
            }
        }
        let sha1_style = format!("sha1={sig}");
        assert_eq!(
            verify_signature(body, &sha1_style, &["k"]),
            Err(SignatureError::Malformed)
        );
    }
}
