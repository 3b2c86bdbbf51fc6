//! TLS trust and proxies, against servers this test starts on 127.0.0.1: an
//! HTTPS server whose certificate comes from the test CA in
//! `tests/fixtures/tls` (refused without the CA, accepted with it), and an
//! HTTP CONNECT proxy that records the tunnels it opened.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use partner_webhooks::{ClientConfig, ClientSettings, ErrorKind, PartnerClient};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/tls")
        .join(name)
}

/// An HTTPS server answering every request with a webhook URL body.
async fn start_tls_server() -> SocketAddr {
    let certs = CertificateDer::pem_file_iter(fixture("server.pem"))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(fixture("server.key")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let service =
                    hyper::service::service_fn(|_req: Request<hyper::body::Incoming>| async {
                        Ok::<_, Infallible>(
                            Response::builder()
                                .header("content-type", "application/json")
                                .header("x-request-id", "tls-trace-1")
                                .body(Full::new(Bytes::from_static(
                                    br#"{"webhook_url":"https://example.com/events"}"#,
                                )))
                                .unwrap(),
                        )
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    addr
}

/// What the proxy saw: the CONNECT targets and the `Proxy-Authorization` headers.
#[derive(Default)]
struct ProxyLog {
    targets: Vec<String>,
    auth: Vec<Option<String>>,
}

/// An HTTP CONNECT proxy that tunnels to any target and logs each tunnel.
async fn start_connect_proxy() -> (SocketAddr, Arc<Mutex<ProxyLog>>) {
    let log = Arc::new(Mutex::new(ProxyLog::default()));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let shared = log.clone();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let log = shared.clone();
            tokio::spawn(async move {
                let service =
                    hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                        let log = log.clone();
                        async move {
                            if req.method() != Method::CONNECT {
                                let mut r = Response::new(Full::new(Bytes::new()));
                                *r.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
                                return Ok::<_, Infallible>(r);
                            }
                            let target = req
                                .uri()
                                .authority()
                                .map(|a| a.to_string())
                                .unwrap_or_default();
                            {
                                let mut log = log.lock().unwrap();
                                log.targets.push(target.clone());
                                log.auth.push(
                                    req.headers()
                                        .get("proxy-authorization")
                                        .and_then(|v| v.to_str().ok())
                                        .map(str::to_string),
                                );
                            }
                            tokio::spawn(async move {
                                let Ok(upgraded) = hyper::upgrade::on(req).await else {
                                    return;
                                };
                                let Ok(mut server) = TcpStream::connect(&target).await else {
                                    return;
                                };
                                let mut client = TokioIo::new(upgraded);
                                let _ =
                                    tokio::io::copy_bidirectional(&mut client, &mut server).await;
                            });
                            Ok(Response::new(Full::new(Bytes::new())))
                        }
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tcp), service)
                    .with_upgrades()
                    .await;
            });
        }
    });
    (addr, log)
}

fn client(settings: ClientSettings) -> Result<PartnerClient, partner_webhooks::Error> {
    PartnerClient::new(ClientConfig::builder().settings(settings).build()?)
}

fn settings(base: SocketAddr) -> ClientSettings {
    ClientSettings {
        api_key: Some("tls-test-key".into()),
        base_url: Some(format!("https://127.0.0.1:{}", base.port())),
        max_retries: Some(0),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_server_from_an_unknown_ca_is_refused_and_accepted_with_the_ca_bundle() {
    let server = start_tls_server().await;

    let refused = client(settings(server))
        .unwrap()
        .get_webhook_url("abcPA")
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Connection);
    let text = refused.to_string();
    assert!(
        text.contains("certificate") || text.contains("UnknownIssuer"),
        "{text}"
    );

    let trusted = client(ClientSettings {
        ca_bundle: Some(fixture("ca.pem").to_string_lossy().into_owned()),
        ..settings(server)
    })
    .unwrap();
    assert_eq!(
        trusted.config().summary().ca_bundle.as_deref(),
        fixture("ca.pem").to_str()
    );
    let got = trusted.get_webhook_url("abcPA").await.unwrap();
    assert_eq!(
        got.webhook_url.as_deref(),
        Some("https://example.com/events")
    );
    assert_eq!(got.trace_id(), Some("tls-trace-1"));
    assert_eq!(
        got.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    assert!(
        got.header_pairs()
            .iter()
            .any(|(k, v)| k == "x-request-id" && v == "tls-trace-1")
    );
}

#[tokio::test]
async fn a_bundle_that_is_not_a_ca_file_is_refused_before_anything_is_sent() {
    let e = client(ClientSettings {
        ca_bundle: Some(fixture("server.key").to_string_lossy().into_owned()),
        ..settings("127.0.0.1:9".parse().unwrap())
    })
    .unwrap_err();
    assert_eq!(
        (e.kind(), e.field()),
        (ErrorKind::InvalidInput, Some("ca_bundle"))
    );
    assert!(e.to_string().contains("holds no PEM certificate"), "{e}");
}

#[tokio::test]
async fn calls_go_through_the_connect_proxy_with_its_credentials_and_never_show_them() {
    let server = start_tls_server().await;
    let (proxy, log) = start_connect_proxy().await;
    let c = client(ClientSettings {
        ca_bundle: Some(fixture("ca.pem").to_string_lossy().into_owned()),
        proxy: Some(format!(
            "http://proxy-user:proxy-secret-pw@127.0.0.1:{}",
            proxy.port()
        )),
        ..settings(server)
    })
    .unwrap();
    let got = c.get_webhook_url("abcPA").await.unwrap();
    assert_eq!(
        got.webhook_url.as_deref(),
        Some("https://example.com/events")
    );
    {
        let log = log.lock().unwrap();
        assert_eq!(log.targets, [format!("127.0.0.1:{}", server.port())]);
        // Basic base64("proxy-user:proxy-secret-pw")
        assert_eq!(
            log.auth[0].as_deref(),
            Some("Basic cHJveHktdXNlcjpwcm94eS1zZWNyZXQtcHc=")
        );
    }
    let shown = format!("{:?} {:?}", c.config(), c.config().summary());
    assert!(
        !shown.contains("proxy-secret-pw") && !shown.contains("proxy-user"),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("127.0.0.1:{}", proxy.port())),
        "{shown}"
    );

    // A proxy that is down: a connection error, without the credentials.
    let dead = client(ClientSettings {
        proxy: Some("http://proxy-user:proxy-secret-pw@127.0.0.1:9".into()),
        ..settings(server)
    })
    .unwrap();
    let e = dead.get_webhook_url("abcPA").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection);
    let text = format!("{e} {e:?} {:?}", e.causes());
    assert!(!text.contains("proxy-secret-pw"), "{text}");
}

#[test]
fn a_malformed_proxy_is_refused_without_echoing_it() {
    for bad in [
        "proxy.internal:3128",
        "socks5://u:pw-123@h:1080",
        "ftp://h",
        "http://",
        "not a url pw-123",
    ] {
        let e = ClientConfig::builder()
            .settings(ClientSettings {
                api_key: Some("k".into()),
                proxy: Some(bad.into()),
                ..Default::default()
            })
            .build()
            .unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (ErrorKind::InvalidInput, Some("proxy")),
            "{bad}"
        );
        assert!(!e.to_string().contains("pw-123"), "{e}");
    }
}
