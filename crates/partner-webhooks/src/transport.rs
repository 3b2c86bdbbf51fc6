//! The transport: one call of an operation of the table, from URL to decoded
//! answer. It sets the call's deadline, runs the attempts (auth header, send,
//! body read with a size limit), classifies what went wrong, and retries when
//! the table and the failure allow it.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, RETRY_AFTER};
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use tracing::Instrument;
use url::Url;

use crate::auth::Authenticator;
use crate::client::RequestOptions;
use crate::config::ClientConfig;
use crate::operations::{Auth, OperationSpec};
use crate::response::Response;
use crate::retry::{Decision, Outcome, RetrySchedule, parse_retry_after, should_retry};
use crate::{Error, ErrorKind, validate};

/// Largest successful response body accepted.
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
/// Most bytes of an error body read (the rest is discarded).
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// Response headers that may carry a trace id on success. 360dialog documents
/// the trace id only inside error bodies, so these are looked for tolerantly.
/// Names made once: a lookup by `HeaderName` skips parsing the name.
const TRACE_ID_HEADERS: [HeaderName; 4] = [
    HeaderName::from_static("x-360dialog-trace-id"),
    HeaderName::from_static("360dialog-trace-id"),
    HeaderName::from_static("x-trace-id"),
    HeaderName::from_static("x-request-id"),
];

/// What one client shares between its clones: configuration, connection pool,
/// token cache and connection slots.
pub(crate) struct Transport {
    pub(crate) config: ClientConfig,
    http: reqwest::Client,
    auth: Authenticator,
    /// One permit per request on the wire (`max_connections`).
    slots: tokio::sync::Semaphore,
    /// The URLs made last, by path template and arguments: a client mostly
    /// calls with one partner id, so the same URL is not encoded again.
    recent_urls: std::sync::Mutex<Vec<RecentUrl>>,
}

/// One entry of [`Transport::recent_urls`].
struct RecentUrl {
    path: &'static str,
    args: Vec<String>,
    url: Url,
}

/// Entries kept: one per operation and the token exchange, with room to spare.
const RECENT_URLS: usize = 8;

/// The outcome of one HTTP attempt that got an answer.
struct Answer {
    status: u16,
    headers: HeaderMap,
    body: Bytes,
    trace_id: Option<String>,
    retry_after: Option<Duration>,
    auth_generation: u64,
}

/// What one attempt sends.
struct Attempt<'a> {
    spec: &'static OperationSpec,
    url: &'a Url,
    body: Option<Bytes>,
    use_auth: bool,
    /// Fetch a new token first (the last one was refused).
    refresh_token: bool,
}

enum AttemptError {
    /// Worth judging for a retry; `Outcome` says whether the server can have acted.
    Retryable(Error, Outcome),
    /// Not to be retried by this loop (e.g. the token fetch already retried).
    Final(Error),
}

/// Options with every default filled in and checked.
struct Resolved {
    timeout: Duration,
    max_retries: u32,
    attempt_timeout: Option<Duration>,
}

impl Transport {
    pub(crate) fn new(config: ClientConfig) -> Result<Self, Error> {
        let mut http = reqwest::Client::builder()
            // The bundled roots, the OS store and the configured CA bundle.
            .use_preconfigured_tls(
                crate::tls::client_config(&config.ca_certs)?
                    .as_ref()
                    .clone(),
            )
            .user_agent(config.user_agent())
            // Never follow redirects: the API does not use them, and following
            // one would send the API key to wherever it points.
            .redirect(reqwest::redirect::Policy::none())
            .https_only(!config.allow_insecure_http() && config.base_url().scheme() == "https")
            .connect_timeout(config.connect_timeout())
            .pool_max_idle_per_host(config.max_connections());
        if let Some(proxy) = &config.proxy {
            // An explicit proxy replaces the `*_PROXY` variables; `NO_PROXY` still applies.
            let proxy = reqwest::Proxy::all(proxy.0.clone())
                .map_err(|_| Error::invalid_input("proxy", "is not a usable proxy URL"))?
                .no_proxy(reqwest::NoProxy::from_env());
            http = http.proxy(proxy);
        }
        let http = http.build().map_err(|e| {
            Error::other(ErrorKind::Connection, "could not build the HTTP client").with_source(e)
        })?;
        Ok(Transport {
            auth: Authenticator::new(config.credentials()),
            slots: tokio::sync::Semaphore::new(config.max_connections()),
            recent_urls: std::sync::Mutex::new(Vec::with_capacity(RECENT_URLS)),
            config,
            http,
        })
    }

    /// The URL of `spec` with its path parameters filled in, each checked and
    /// percent-encoded as exactly one path segment.
    pub(crate) fn url(&self, spec: &OperationSpec, path_args: &[&str]) -> Result<Url, Error> {
        let same = |r: &RecentUrl| r.path == spec.path && r.args.iter().eq(path_args.iter());
        // A poisoned lock only loses the cache: the URL is made afresh.
        if let Ok(recent) = self.recent_urls.lock() {
            if let Some(r) = recent.iter().find(|r| same(r)) {
                return Ok(r.url.clone());
            }
        }
        let url = self.make_url(spec, path_args)?;
        if let Ok(mut recent) = self.recent_urls.lock() {
            if recent.len() == RECENT_URLS {
                recent.remove(0);
            }
            recent.push(RecentUrl {
                path: spec.path,
                args: path_args.iter().map(|a| a.to_string()).collect(),
                url: url.clone(),
            });
        }
        Ok(url)
    }

    fn make_url(&self, spec: &OperationSpec, path_args: &[&str]) -> Result<Url, Error> {
        if path_args.len() != spec.path_params.len() {
            return Err(Error::invalid_input(
                "args",
                format!(
                    "{} takes {} path parameter(s), got {}",
                    spec.name,
                    spec.path_params.len(),
                    path_args.len()
                ),
            ));
        }
        let mut path = String::with_capacity(spec.path.len() + 16);
        let mut rest = spec.path.trim_start_matches('/');
        let mut values = spec.path_params.iter().zip(path_args);
        while let Some(open) = rest.find('{') {
            path.push_str(&rest[..open]);
            let close = open + rest[open..].find('}').unwrap_or(rest.len() - open);
            // The table's own test keeps placeholders and parameters in step.
            if let Some((param, value)) = values.next() {
                path.push_str(&validate::path_segment(param.name, value)?);
            }
            rest = rest.get(close + 1..).unwrap_or("");
        }
        path.push_str(rest);
        let mut url = self.config.base_url().clone();
        let full = format!("{}{path}", url.path());
        url.set_path(&full);
        Ok(url)
    }

    /// The call's options over the client's, checked by the same rules as
    /// the client's settings (`limits`), which were checked when it was built.
    fn resolve(&self, o: RequestOptions) -> Result<Resolved, Error> {
        o.check()?;
        Ok(Resolved {
            timeout: o.timeout.unwrap_or(self.config.timeout()),
            max_retries: o.max_retries.unwrap_or(self.config.max_retries()),
            attempt_timeout: o.attempt_timeout.or(self.config.attempt_timeout()),
        })
    }

    /// One call of `spec`: attempts with retries, then the body decoded as `T`.
    pub(crate) async fn execute<T: DeserializeOwned>(
        &self,
        spec: &'static OperationSpec,
        url: Url,
        body: Option<Bytes>,
        options: RequestOptions,
    ) -> Result<Response<T>, Error> {
        let opts = self.resolve(options)?;
        let span = tracing::info_span!(
            "partner_webhooks.request",
            operation = spec.name,
            method = spec.method.as_str(),
            path = spec.path,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
        );
        async move {
            let result = self.retry_loop(spec, &url, body, &opts).await;
            let span = tracing::Span::current();
            match &result {
                Ok((answer, attempts)) => {
                    span.record("status", answer.status);
                    span.record("attempts", attempts);
                }
                Err(e) => {
                    if let Some(s) = e.status() {
                        span.record("status", s);
                    }
                    span.record("attempts", e.attempts());
                    tracing::debug!(kind = %e.kind(), trace_id = e.trace_id(), "call failed");
                }
            }
            let (answer, attempts) = result?;
            let data = serde_json::from_slice::<T>(&answer.body).map_err(|e| {
                Error::other(
                    ErrorKind::Decode,
                    format!(
                        "the {} response is not the JSON the API promises ({e})",
                        spec.name
                    ),
                )
                .with_status(answer.status)
                .with_trace_id(answer.trace_id.clone())
                .with_attempts(attempts)
            })?;
            Ok(Response::new(
                data,
                answer.status,
                answer.headers,
                answer.trace_id,
                attempts,
                answer.body,
            ))
        }
        .instrument(span)
        .await
    }

    /// Attempts until success, a final error, no retries left, no time left,
    /// or a failure the table says must not be repeated.
    async fn retry_loop(
        &self,
        spec: &'static OperationSpec,
        url: &Url,
        body: Option<Bytes>,
        opts: &Resolved,
    ) -> Result<(Answer, u32), Error> {
        let use_auth = spec.auth == Auth::Client;
        let deadline = Instant::now() + opts.timeout;
        let mut schedule = RetrySchedule::new(self.config.backoff());
        let mut attempts = 0u32;
        let mut retries = 0u32;
        let mut refresh_token = false;
        let mut reauthenticated = false;
        loop {
            attempts += 1;
            // The first attempt has the whole timeout: no second clock read.
            let left = if attempts == 1 {
                opts.timeout
            } else {
                deadline.saturating_duration_since(Instant::now())
            };
            let budget = opts.attempt_timeout.map_or(left, |t| t.min(left));
            let attempt_span = tracing::debug_span!(
                "attempt",
                attempt = attempts,
                status = tracing::field::Empty,
                trace_id = tracing::field::Empty
            );
            let outcome = tokio::time::timeout(
                budget,
                self.attempt(Attempt {
                    spec,
                    url,
                    body: body.clone(),
                    use_auth,
                    refresh_token,
                }),
            )
            .instrument(attempt_span.clone())
            .await;
            let (error, outcome) = match outcome {
                Err(_elapsed) => (
                    Error::other(
                        ErrorKind::Timeout,
                        format!("no complete answer within {:.1}s", budget.as_secs_f64()),
                    ),
                    Outcome::Ambiguous,
                ),
                Ok(Err(AttemptError::Final(e))) => return Err(e.with_attempts(attempts)),
                Ok(Err(AttemptError::Retryable(e, outcome))) => (e, outcome),
                Ok(Ok(answer)) => {
                    attempt_span.record("status", answer.status);
                    if let Some(t) = &answer.trace_id {
                        attempt_span.record("trace_id", t.as_str());
                    }
                    if (200..300).contains(&answer.status) {
                        return Ok((answer, attempts));
                    }
                    if answer.status == 401
                        && use_auth
                        && self.auth.can_refresh()
                        && !reauthenticated
                    {
                        // The cached token was refused: fetch a new one, once.
                        tracing::debug!("token refused (401); fetching a new one");
                        self.auth.invalidate(answer.auth_generation).await;
                        refresh_token = true;
                        reauthenticated = true;
                        continue;
                    }
                    (
                        Error::from_response(answer.status, &answer.body, answer.retry_after)
                            .with_trace_id(answer.trace_id)
                            .with_headers(answer.headers),
                        Outcome::of_status(answer.status),
                    )
                }
            };
            let error = error.with_attempts(attempts);
            if !should_retry(error.kind(), outcome, spec.idempotent) || retries >= opts.max_retries
            {
                return Err(error);
            }
            let delay = match schedule.next(error.retry_after()) {
                Decision::RetryAfter(d) => d,
                Decision::GiveUp => return Err(error),
            };
            if delay >= deadline.saturating_duration_since(Instant::now()) {
                return Err(error);
            }
            tracing::warn!(
                operation = spec.name,
                attempt = attempts,
                kind = %error.kind(),
                status = error.status(),
                trace_id = error.trace_id(),
                delay_ms = delay.as_millis() as u64,
                "retrying"
            );
            tokio::time::sleep(delay).await;
            retries += 1;
        }
    }

    async fn attempt(&self, attempt: Attempt<'_>) -> Result<Answer, AttemptError> {
        // Held until the body is read: the connection is busy until then.
        // The semaphore is never closed, so acquiring cannot fail.
        let _slot = self.slots.acquire().await.map_err(|_| {
            AttemptError::Final(Error::other(
                ErrorKind::Connection,
                "the client was shut down",
            ))
        })?;
        // The exchange is the large part of a call's state: boxed, it takes
        // memory only once a slot is held, and a call waiting for a slot (of
        // thousands started at once) stays small.
        Box::pin(self.exchange(attempt)).await
    }

    /// One request and its answer, on a held connection slot.
    async fn exchange(&self, attempt: Attempt<'_>) -> Result<Answer, AttemptError> {
        let Attempt {
            spec,
            url,
            body,
            use_auth,
            refresh_token,
        } = attempt;
        let mut request = self
            .http
            .request(spec.method.to_reqwest(), url.clone())
            .header(ACCEPT, "application/json");
        let mut auth_generation = 0;
        if use_auth {
            let h = self
                .auth
                .header(self, refresh_token)
                .await
                .map_err(AttemptError::Final)?;
            auth_generation = h.generation;
            request = request.header(h.name, h.value);
        }
        if let Some(body) = body {
            request = request.header(CONTENT_TYPE, "application/json").body(body);
        }
        tracing::debug!(
            operation = spec.name,
            method = spec.method.as_str(),
            path = url.path(),
            "request"
        );
        // The clock is read for the debug event only when someone listens.
        let started = tracing::enabled!(tracing::Level::DEBUG).then(Instant::now);
        let mut response = request.send().await.map_err(|e| {
            let outcome = if e.is_connect() {
                Outcome::NotProcessed
            } else {
                Outcome::Ambiguous
            };
            AttemptError::Retryable(transport_error(e), outcome)
        })?;
        let status = response.status().as_u16();
        // Taken, not cloned: reading the body does not need them.
        let headers = std::mem::take(response.headers_mut());
        let ok = response.status().is_success();
        let body = read_body(
            response,
            if ok {
                MAX_RESPONSE_BYTES
            } else {
                MAX_ERROR_BODY_BYTES
            },
            ok,
        )
        .await
        .map_err(|e| match e.kind() {
            ErrorKind::Decode => AttemptError::Final(e.with_status(status)),
            _ => AttemptError::Retryable(e, Outcome::Ambiguous),
        })?;
        let trace_id = trace_id(&headers);
        tracing::debug!(
            operation = spec.name,
            status,
            trace_id = trace_id.as_deref(),
            bytes = body.len() as u64,
            elapsed_ms = started.map_or(0, |t| t.elapsed().as_millis() as u64),
            "response"
        );
        Ok(Answer {
            status,
            body,
            trace_id,
            retry_after: headers
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_retry_after),
            headers,
            auth_generation,
        })
    }
}

fn trace_id(headers: &HeaderMap) -> Option<String> {
    TRACE_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(name))
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Reads at most `limit` bytes. Over the limit, a successful answer is a
/// Decode error; an error answer is cut short (its start is enough).
async fn read_body(
    mut response: reqwest::Response,
    limit: usize,
    strict: bool,
) -> Result<Bytes, Error> {
    let too_big = || {
        Error::other(
            ErrorKind::Decode,
            format!("the response body is larger than the {limit}-byte limit"),
        )
    };
    if strict && response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(too_big());
    }
    // A body that arrives in one chunk (the usual small JSON answer) is
    // copied once, at its size: the chunk itself is a view of the
    // connection's read buffer, which a kept answer would pin (thousands of
    // finished calls waiting for their caller held 8 KiB each).
    let first = match next_chunk(&mut response).await? {
        Some(c) if c.len() <= limit => c,
        Some(_) if strict => return Err(too_big()),
        Some(c) => return Ok(Bytes::copy_from_slice(&c[..limit])),
        None => return Ok(Bytes::new()),
    };
    let Some(second) = next_chunk(&mut response).await? else {
        return Ok(Bytes::copy_from_slice(&first));
    };
    let mut buf = BytesMut::with_capacity(first.len() + second.len());
    buf.extend_from_slice(&first);
    let mut pending = Some(second);
    loop {
        let chunk = match pending.take() {
            Some(c) => c,
            None => match next_chunk(&mut response).await? {
                Some(c) => c,
                None => break,
            },
        };
        if buf.len() + chunk.len() > limit {
            if strict {
                return Err(too_big());
            }
            let room = limit - buf.len();
            buf.extend_from_slice(&chunk[..room]);
            break;
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

async fn next_chunk(response: &mut reqwest::Response) -> Result<Option<Bytes>, Error> {
    response.chunk().await.map_err(transport_error)
}

/// Classifies a transport failure. The message names what failed and the
/// innermost cause; it contains no header or body.
fn transport_error(e: reqwest::Error) -> Error {
    let kind = if e.is_timeout() {
        ErrorKind::Timeout
    } else {
        ErrorKind::Connection
    };
    let what = if e.is_connect() {
        let target = e
            .url()
            .map(|u| {
                format!(
                    "{}:{}",
                    u.host_str().unwrap_or("?"),
                    u.port_or_known_default().unwrap_or(0)
                )
            })
            .unwrap_or_default();
        format!("could not connect to {target}")
    } else if e.is_body() || e.is_decode() {
        "the connection broke while reading the response".to_string()
    } else if e.is_timeout() {
        "the request timed out".to_string()
    } else {
        "the request failed".to_string()
    };
    let mut root: &dyn std::error::Error = &e;
    while let Some(next) = root.source() {
        root = next;
    }
    let message = format!("{what} ({root})");
    Error::other(kind, message).with_source(e.without_url())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A response whose body arrives as `chunks` (chunked encoding, each
    /// chunk written and flushed on its own, 20 ms apart).
    async fn chunked(chunks: &'static [&'static str]) -> reqwest::Response {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf).await.unwrap();
            s.write_all(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
                .await
                .unwrap();
            for c in chunks {
                s.write_all(format!("{:x}\r\n{c}\r\n", c.len()).as_bytes())
                    .await
                    .unwrap();
                s.flush().await.unwrap();
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            s.write_all(b"0\r\n\r\n").await.unwrap();
        });
        reqwest::get(format!("http://{addr}/")).await.unwrap()
    }

    #[tokio::test]
    async fn bodies_in_several_chunks_are_joined() {
        let body = read_body(chunked(&["{\"a\":", "1", "}"]).await, 64, true)
            .await
            .unwrap();
        assert_eq!(&body[..], b"{\"a\":1}");
        let one = read_body(chunked(&["{}"]).await, 64, true).await.unwrap();
        assert_eq!(&one[..], b"{}");
        let none = read_body(chunked(&[]).await, 64, true).await.unwrap();
        assert!(none.is_empty());
    }

    #[tokio::test]
    async fn a_body_over_the_limit_without_a_length_is_refused_or_cut() {
        // Strict (a success answer): a Decode error, in the first chunk or a later one.
        let cases: [&'static [&'static str]; 2] = [&["0123456789"], &["0123", "456789"]];
        for chunks in cases {
            let e = read_body(chunked(chunks).await, 8, true).await.unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Decode);
            assert!(e.message().contains("8-byte limit"), "{e}");
        }
        // Not strict (an error answer): its first `limit` bytes.
        let cut = read_body(chunked(&["0123456789"]).await, 8, false)
            .await
            .unwrap();
        assert_eq!(&cut[..], b"01234567");
        let cut = read_body(chunked(&["0123", "45", "6789"]).await, 8, false)
            .await
            .unwrap();
        assert_eq!(&cut[..], b"01234567");
    }
}
