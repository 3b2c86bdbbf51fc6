//! Which certificate authorities the client trusts: the bundled Mozilla roots
//! (`webpki-roots`), the operating system's trust store (`rustls-native-certs`,
//! which also honours `SSL_CERT_FILE` / `SSL_CERT_DIR`), and the PEM bundle of
//! [`ClientSettings::ca_bundle`](crate::ClientSettings::ca_bundle) or
//! `PARTNER_API_CA_BUNDLE` (a corporate TLS-inspecting proxy's CA, say).
//!
//! The OS store (feature `os-trust-store`, on by default; the mobile builds
//! leave it out) is read once per process; the resulting rustls configuration
//! is shared by every client that adds no CA of its own, so building a client
//! stays cheap.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use rustls::RootCertStore;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use crate::Error;

/// Environment variable naming a PEM file of extra CA certificates.
pub const ENV_CA_BUNDLE: &str = "PARTNER_API_CA_BUNDLE";

/// The bundled roots plus the OS store, read once.
fn default_roots() -> &'static RootCertStore {
    static ROOTS: OnceLock<RootCertStore> = OnceLock::new();
    ROOTS.get_or_init(|| {
        #[cfg_attr(not(feature = "os-trust-store"), allow(unused_mut))]
        let mut roots = RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        // A store that cannot be read (no OS store on this system, a damaged
        // file) leaves the bundled roots; the certificates it did yield count.
        #[cfg(feature = "os-trust-store")]
        {
            let native = rustls_native_certs::load_native_certs();
            let (_added, _ignored) = roots.add_parsable_certificates(native.certs);
        }
        roots
    })
}

fn config_with(roots: RootCertStore) -> Result<Arc<rustls::ClientConfig>, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| {
            Error::other(crate::ErrorKind::Connection, "could not set up TLS").with_source(e)
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// The TLS configuration for a client trusting the defaults plus `extra`.
pub(crate) fn client_config(
    extra: &[CertificateDer<'static>],
) -> Result<Arc<rustls::ClientConfig>, Error> {
    if extra.is_empty() {
        static SHARED: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
        if let Some(c) = SHARED.get() {
            return Ok(c.clone());
        }
        let c = config_with(default_roots().clone())?;
        return Ok(SHARED.get_or_init(|| c).clone());
    }
    let mut roots = default_roots().clone();
    for cert in extra {
        // Checked when the bundle was read.
        let _ = roots.add(cert.clone());
    }
    config_with(roots)
}

/// The certificates of the PEM file at `path`, checked: refused with
/// `InvalidInput` naming `field` when the file cannot be read, holds no
/// certificate, or holds one that is not a usable trust anchor.
///
/// ```
/// let e = partner_webhooks::tls::read_ca_bundle("ca_bundle", "/nonexistent/ca.pem").unwrap_err();
/// assert_eq!(e.field(), Some("ca_bundle"));
/// assert!(e.to_string().contains("/nonexistent/ca.pem"), "{e}");
/// ```
pub fn read_ca_bundle(field: &str, path: &str) -> Result<Vec<CertificateDer<'static>>, Error> {
    let refuse = |why: String| Error::invalid_input(field.to_string(), why);
    if path.trim().is_empty() {
        return Err(refuse("must be the path of a PEM file".into()));
    }
    let bytes = std::fs::read(Path::new(path))
        .map_err(|e| refuse(format!("could not read {path}: {e}")))?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| refuse(format!("{path} is not a PEM certificate bundle ({e})")))?;
    if certs.is_empty() {
        return Err(refuse(format!("{path} holds no PEM certificate")));
    }
    let mut check = RootCertStore::empty();
    for (i, cert) in certs.iter().enumerate() {
        check.add(cert.clone()).map_err(|e| {
            refuse(format!(
                "certificate {} in {path} is not usable as a CA ({e})",
                i + 1
            ))
        })?;
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_config_is_shared() {
        let a = client_config(&[]).unwrap();
        let b = client_config(&[]).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert!(default_roots().len() >= webpki_roots::TLS_SERVER_ROOTS.len());
    }

    #[test]
    fn bad_bundles_are_refused_by_name() {
        let dir = std::env::temp_dir().join(format!("pw-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "no certificate here\n").unwrap();
        let e = read_ca_bundle("ca_bundle", empty.to_str().unwrap()).unwrap_err();
        assert!(e.to_string().contains("holds no PEM certificate"), "{e}");
        let broken = dir.join("broken.pem");
        std::fs::write(
            &broken,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let e = read_ca_bundle(ENV_CA_BUNDLE, broken.to_str().unwrap()).unwrap_err();
        assert_eq!(e.field(), Some(ENV_CA_BUNDLE));
        assert!(e.to_string().contains("not usable as a CA"), "{e}");
        let e = read_ca_bundle("ca_bundle", " ").unwrap_err();
        assert!(e.to_string().contains("path of a PEM file"), "{e}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
