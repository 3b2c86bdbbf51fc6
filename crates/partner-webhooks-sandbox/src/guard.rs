//! What guards every request to a sandbox: its page and its control routes.
//!
//! Guards, for every request (`guard`):
//! - **Host.** On a loopback address, a request whose `Host` is not the bound
//!   address (`127.0.0.1:PORT`, `localhost:PORT`, `[::1]:PORT`) is refused
//!   with 421: a page on another name that resolves to 127.0.0.1 (DNS
//!   rebinding) gets nothing. `--allow-remote` serves other names on purpose.
//! - **Browsers changing state.** A request that a browser made (it carries
//!   `Origin` or `Sec-Fetch-*`) to a `/_sandbox/` route with any method but
//!   GET and HEAD, or to a route that shows a secret, needs the page's
//!   per-run token in `x-sandbox-token` and an `Origin` that is this
//!   sandbox's own. A browser always sends those headers with a cross-origin
//!   write, and a custom header forces a CORS preflight the sandbox never
//!   grants. Tools on this machine (curl, the CLI, the SDKs' tests) send
//!   neither header and keep working without the token.

use std::net::SocketAddr;

use axum::extract::{Request, State as Extract};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::State;

type Shared = std::sync::Arc<State>;

/// The header that carries the page's per-run token.
pub const TOKEN_HEADER: &str = "x-sandbox-token";

/// The address the page answers on and its per-run token.
pub(crate) struct Site {
    addr: SocketAddr,
    token: String,
}

/// Why a request was refused by the guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    WrongHost,
    WrongOrigin,
    NoToken,
}

impl Site {
    pub(crate) fn new(addr: SocketAddr) -> Self {
        Site {
            addr,
            token: crate::config::random_secret("sbxpage_", 24),
        }
    }

    /// The address the sandbox is bound to.
    #[cfg(feature = "page")]
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The page's per-run token.
    #[cfg(feature = "page")]
    pub(crate) fn token(&self) -> &str {
        &self.token
    }

    /// The names this sandbox answers to (`host:port`), or `None` when any
    /// name goes (bound to a non-loopback address: `--allow-remote`).
    fn hosts(&self) -> Option<[String; 3]> {
        if !self.addr.ip().is_loopback() {
            return None;
        }
        let port = self.addr.port();
        Some([
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
        ])
    }

    /// Checks one request's headers (see the module's documentation).
    pub(crate) fn check(
        &self,
        method: &Method,
        path: &str,
        headers: &HeaderMap,
    ) -> Result<(), Refusal> {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        if let Some(hosts) = self.hosts() {
            match host {
                Some(h) if hosts.iter().any(|ok| ok.eq_ignore_ascii_case(h)) => {}
                _ => return Err(Refusal::WrongHost),
            }
        }
        let from_browser = headers.contains_key(header::ORIGIN)
            || headers.keys().any(|n| n.as_str().starts_with("sec-fetch-"));
        let writes = !matches!(*method, Method::GET | Method::HEAD);
        let guarded =
            path.starts_with("/_sandbox/") && writes || path.starts_with("/_sandbox/reveal");
        if !(from_browser && guarded) {
            return Ok(());
        }
        // The page's own origin: the scheme and the Host it was loaded from.
        // A browser leaves `Origin` out of a same-origin GET; then its
        // `Sec-Fetch-Site` (which no page can set) must say so.
        let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
        let same_site = headers
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes() == b"same-origin");
        let own = match (origin, host) {
            (Some(o), Some(h)) => o
                .strip_prefix("http://")
                .is_some_and(|rest| rest.eq_ignore_ascii_case(h)),
            (None, _) => same_site,
            _ => false,
        };
        if !own {
            return Err(Refusal::WrongOrigin);
        }
        let token = headers.get(TOKEN_HEADER).map(HeaderValue::as_bytes);
        if !token.is_some_and(|t| crate::state::constant_time_eq(t, self.token.as_bytes())) {
            return Err(Refusal::NoToken);
        }
        Ok(())
    }
}

/// The middleware in front of every route.
pub(crate) async fn guard(Extract(state): Extract<Shared>, req: Request, next: Next) -> Response {
    match state
        .site
        .check(req.method(), req.uri().path(), req.headers())
    {
        Ok(()) => next.run(req).await,
        Err(why) => {
            let (status, message) = match why {
                Refusal::WrongHost => (
                    StatusCode::MISDIRECTED_REQUEST,
                    "This sandbox answers only to its own address (Host); start it with --allow-remote to serve other names",
                ),
                Refusal::WrongOrigin => (
                    StatusCode::FORBIDDEN,
                    "A browser request from another origin",
                ),
                Refusal::NoToken => (
                    StatusCode::FORBIDDEN,
                    "A browser request without the page's token (x-sandbox-token); reload the page",
                ),
            };
            crate::routes::meta_error(status, message, &crate::routes::new_trace_id(), None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Site {
        Site::new("127.0.0.1:4010".parse().unwrap())
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (n, v) in pairs {
            h.insert(*n, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn host_must_be_the_bound_address_on_loopback() {
        let s = site();
        for ok in [
            "127.0.0.1:4010",
            "localhost:4010",
            "[::1]:4010",
            "LOCALHOST:4010",
        ] {
            assert_eq!(
                s.check(&Method::GET, "/", &headers(&[("host", ok)])),
                Ok(()),
                "{ok}"
            );
        }
        for bad in [
            "evil.example:4010",
            "127.0.0.1:4011",
            "127.0.0.1",
            "attacker.localhost:4010",
        ] {
            assert_eq!(
                s.check(&Method::GET, "/", &headers(&[("host", bad)])),
                Err(Refusal::WrongHost),
                "{bad}"
            );
        }
        assert_eq!(
            s.check(&Method::GET, "/", &HeaderMap::new()),
            Err(Refusal::WrongHost)
        );
        let open = Site::new("0.0.0.0:4010".parse().unwrap());
        assert_eq!(
            open.check(&Method::GET, "/", &headers(&[("host", "box.lan:4010")])),
            Ok(())
        );
    }

    #[test]
    fn browser_writes_need_the_origin_and_the_token() {
        let s = site();
        let token = s.token.clone();
        let host = ("host", "127.0.0.1:4010");
        let path = "/_sandbox/faults";
        // A tool (no Origin, no Sec-Fetch-*): as before.
        assert_eq!(s.check(&Method::POST, path, &headers(&[host])), Ok(()));
        // The page itself.
        let page = [
            host,
            ("origin", "http://127.0.0.1:4010"),
            ("x-sandbox-token", &token),
        ];
        assert_eq!(s.check(&Method::POST, path, &headers(&page)), Ok(()));
        assert_eq!(s.check(&Method::DELETE, path, &headers(&page)), Ok(()));
        // Another origin, even with the token.
        let other = [
            host,
            ("origin", "http://evil.example"),
            ("x-sandbox-token", &token),
        ];
        assert_eq!(
            s.check(&Method::POST, path, &headers(&other)),
            Err(Refusal::WrongOrigin)
        );
        // The right origin without the token, or with a wrong one.
        assert_eq!(
            s.check(
                &Method::POST,
                path,
                &headers(&[host, ("origin", "http://127.0.0.1:4010")])
            ),
            Err(Refusal::NoToken)
        );
        let wrong = [
            host,
            ("origin", "http://127.0.0.1:4010"),
            ("x-sandbox-token", "sbxpage_guess"),
        ];
        assert_eq!(
            s.check(&Method::POST, path, &headers(&wrong)),
            Err(Refusal::NoToken)
        );
        // A form post (Sec-Fetch-* but an opaque origin).
        let form = [host, ("sec-fetch-site", "cross-site"), ("origin", "null")];
        assert_eq!(
            s.check(&Method::POST, path, &headers(&form)),
            Err(Refusal::WrongOrigin)
        );
        // Reading is free, except a secret.
        let read = [host, ("sec-fetch-site", "cross-site")];
        assert_eq!(
            s.check(&Method::GET, "/_sandbox/deliveries", &headers(&read)),
            Ok(())
        );
        assert_eq!(
            s.check(&Method::GET, "/_sandbox/reveal", &headers(&read)),
            Err(Refusal::WrongOrigin)
        );
        // The page's own GET (no Origin, same-origin fetch metadata) still needs the token.
        let own = [host, ("sec-fetch-site", "same-origin")];
        assert_eq!(
            s.check(&Method::GET, "/_sandbox/reveal", &headers(&own)),
            Err(Refusal::NoToken)
        );
        let own = [
            host,
            ("sec-fetch-site", "same-origin"),
            ("x-sandbox-token", &token),
        ];
        assert_eq!(
            s.check(&Method::GET, "/_sandbox/reveal", &headers(&own)),
            Ok(())
        );
    }
}
