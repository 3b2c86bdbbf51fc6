//! HTTP routes: the Partner API operations and the `/_sandbox` control plane.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State as Extract};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{MethodFilter, delete, get, on, post};
use futures_util::StreamExt;
use serde_json::{Map, Value, json};

use partner_webhooks::auth::TOKEN_ROUTE;
use partner_webhooks::operations::{Auth, HttpMethod, Operation};

use crate::TRACE_ID_HEADER;
use crate::faults::{Fault, RetryAfter};
use crate::state::{Access, EmitError, State};

type Shared = Arc<State>;

/// The sandbox's implementation of each operation of the core's table. The
/// match is exhaustive: an operation added to the table does not compile
/// until the sandbox implements it.
fn behaviour(op: Operation) -> Behaviour {
    match op {
        Operation::GetWebhookUrl => get_url,
        Operation::SetWebhookUrl => set_url,
        Operation::GetWebhookHeaders => get_headers,
        Operation::SetWebhookHeaders => set_headers,
    }
}

fn method_filter(method: HttpMethod) -> MethodFilter {
    match method {
        HttpMethod::Get => MethodFilter::GET,
        HttpMethod::Post => MethodFilter::POST,
    }
}

/// A route of the sandbox's API: its name (for faults and counters), whether
/// it takes the client's credentials, and what it does.
#[derive(Clone, Copy)]
struct Route {
    name: &'static str,
    authenticated: bool,
    behaviour: Behaviour,
}

pub(crate) fn router(state: Shared) -> Router {
    // One route per operation of the table, at its method and path template,
    // and the token exchange (which the client runs itself).
    let mut router = Router::new();
    for &op in Operation::ALL {
        let spec = op.spec();
        let route = Route {
            name: spec.name,
            authenticated: spec.auth == Auth::Client,
            behaviour: behaviour(op),
        };
        router = router.route(
            spec.path,
            on(
                method_filter(spec.method),
                move |state: Extract<Shared>,
                      headers: HeaderMap,
                      path: Result<Path<String>, PathRejection>,
                      body: Bytes| {
                    serve(route, state, headers, path.ok().map(|Path(id)| id), body)
                },
            ),
        );
    }
    let token_route = Route {
        name: TOKEN_ROUTE,
        authenticated: false,
        behaviour: token,
    };
    let router = router.route(
        "/api/v2/token",
        post(
            move |state: Extract<Shared>, headers: HeaderMap, body: Bytes| {
                serve(token_route, state, headers, None, body)
            },
        ),
    );
    let router = router
        .route(
            "/_sandbox/faults",
            post(add_fault).get(list_faults).delete(clear_faults),
        )
        .route("/_sandbox/stats", get(stats))
        .route("/_sandbox/health", get(health))
        .route("/_sandbox/tokens", delete(revoke_tokens))
        .route("/_sandbox/partners/{partner_id}/events", post(emit_event))
        .route(
            "/_sandbox/partners/{partner_id}/deliveries",
            get(list_deliveries),
        )
        .route(
            "/_sandbox/partners/{partner_id}/deliveries/{delivery_id}/resend",
            post(resend_delivery),
        );
    #[cfg(feature = "page")]
    let router = crate::web::routes(router);
    router
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::guard::guard,
        ))
        .with_state(state)
}

pub(crate) fn new_trace_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

pub(crate) fn json_response(status: StatusCode, body: &Value, trace_id: &str) -> Response {
    let mut r = Response::new(Body::from(body.to_string()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(v) = HeaderValue::from_str(trace_id) {
        r.headers_mut().insert(TRACE_ID_HEADER, v);
    }
    r
}

/// The API's error envelope (`DefaultValidationError` / `DefaultHttpError`).
pub(crate) fn meta_error(
    status: StatusCode,
    message: &str,
    trace_id: &str,
    details: Option<Value>,
) -> Response {
    let mut meta = json!({
        "developer_message": message,
        "http_code": status.as_u16(),
        "success": false,
        "360dialog_trace_id": trace_id,
    });
    if let Some(d) = details {
        meta["details"] = d;
    }
    json_response(status, &json!({ "meta": meta }), trace_id)
}

fn wrong_payload(trace_id: &str, field: &str, reason: &str) -> Response {
    meta_error(
        StatusCode::BAD_REQUEST,
        "Wrong payload",
        trace_id,
        Some(json!({ field: [reason] })),
    )
}

/// Applies the next fault for `route`, if any. `None` means: handle normally.
async fn apply_fault(state: &State, route: &str, trace_id: &str) -> Option<Response> {
    state.count(route);
    let fault = state.take_fault(route)?;
    tracing::debug!(route, ?fault, "applying fault");
    if let Some(delay) = fault.delay() {
        tokio::time::sleep(delay).await;
    }
    if fault.reset {
        return Some(reset_response());
    }
    if let Some(ms) = fault.trickle_ms {
        return Some(trickle_response(Duration::from_millis(ms)));
    }
    if let Some(n) = fault.body_bytes {
        return Some(large_response(n));
    }
    let status = StatusCode::from_u16(fault.status?).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = match &fault.body {
        Some(raw) => {
            let mut r = Response::new(Body::from(raw.clone()));
            *r.status_mut() = status;
            let ct = if serde_json::from_str::<Value>(raw).is_ok() {
                "application/json"
            } else {
                "text/html"
            };
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
            if let Ok(v) = HeaderValue::from_str(trace_id) {
                r.headers_mut().insert(TRACE_ID_HEADER, v);
            }
            r
        }
        None => meta_error(
            status,
            status.canonical_reason().unwrap_or("Injected fault"),
            trace_id,
            None,
        ),
    };
    if let Some(ra) = &fault.retry_after {
        let value = match ra {
            RetryAfter::Seconds(s) => s.to_string(),
            RetryAfter::Raw(s) => s.clone(),
        };
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    Some(response)
}

/// A 200 whose body breaks off after a few bytes: the client sees the
/// connection drop mid-response.
fn reset_response() -> Response {
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::from_static(b"{\"webhook")),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected reset",
        )),
    ];
    let mut r = Response::new(Body::from_stream(futures_util::stream::iter(chunks)));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

fn streamed_json(body: Body) -> Response {
    let mut r = Response::new(body);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// A 200 with a valid body, one byte every `every`.
fn trickle_response(every: Duration) -> Response {
    const BODY: &[u8] = br#"{"webhook_url": "https://hooks.example.com/trickle"}"#;
    let bytes = futures_util::stream::unfold(0usize, move |i| async move {
        if i >= BODY.len() {
            return None;
        }
        tokio::time::sleep(every).await;
        Some((
            Ok::<_, std::io::Error>(Bytes::from_static(&BODY[i..i + 1])),
            i + 1,
        ))
    });
    streamed_json(Body::from_stream(bytes))
}

/// A 200 whose JSON body is `size` bytes, produced chunk by chunk (never held whole).
fn large_response(size: u64) -> Response {
    // Made per response rather than kept in a static: a 64 KiB static is
    // 64 KiB of every library that embeds the sandbox.
    const PAD_LEN: usize = 64 * 1024;
    let pad_chunk = Bytes::from(vec![b'x'; PAD_LEN]);
    const HEAD: &[u8] = br#"{"webhook_url": ""#;
    const TAIL: &[u8] = br#""}"#;
    let pad = size.saturating_sub((HEAD.len() + TAIL.len()) as u64);
    let middle = futures_util::stream::unfold(pad, move |left| {
        let chunk = (left > 0).then(|| {
            let n = left.min(PAD_LEN as u64);
            (pad_chunk.slice(..n as usize), left - n)
        });
        async move { chunk }
    });
    let chunks = futures_util::stream::iter([Bytes::from_static(HEAD)])
        .chain(middle)
        .chain(futures_util::stream::iter([Bytes::from_static(TAIL)]))
        .map(Ok::<_, std::io::Error>);
    streamed_json(Body::from_stream(chunks))
}

fn credentials(headers: &HeaderMap) -> (Option<&str>, Option<&str>) {
    let api_key = headers.get("x-api-key").and_then(|v| v.to_str().ok());
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    (api_key, bearer)
}

/// What an operation does once faults (and, for operations with the
/// client's credentials, access to the partner) are dealt with: state, the
/// partner id (empty for operations without one), the body, the trace id.
type Behaviour = fn(&State, &str, &Bytes, &str) -> Response;

/// Runs the steps every operation shares (fault, then path and access when it
/// authenticates as the client), then its behaviour.
async fn serve(
    route: Route,
    Extract(state): Extract<Shared>,
    headers: HeaderMap,
    partner_id: Option<String>,
    body: Bytes,
) -> Response {
    let trace_id = new_trace_id();
    if let Some(r) = apply_fault(&state, route.name, &trace_id).await {
        return r;
    }
    if !route.authenticated {
        return (route.behaviour)(&state, "", &body, &trace_id);
    }
    let Some(partner_id) = partner_id else {
        return meta_error(StatusCode::NOT_FOUND, "Not found", &trace_id, None);
    };
    let (api_key, bearer) = credentials(&headers);
    match state.access(api_key, bearer, &partner_id) {
        Access::Unauthenticated => meta_error(
            StatusCode::UNAUTHORIZED,
            "Invalid or missing credentials: send X-API-Key or Authorization: Bearer",
            &trace_id,
            None,
        ),
        Access::Forbidden => meta_error(
            StatusCode::FORBIDDEN,
            "These credentials may not access this partner",
            &trace_id,
            None,
        ),
        Access::NoSuchPartner => {
            meta_error(StatusCode::NOT_FOUND, "Partner not found", &trace_id, None)
        }
        Access::Allowed => (route.behaviour)(&state, &partner_id, &body, &trace_id),
    }
}

fn get_url(st: &State, id: &str, _: &Bytes, trace: &str) -> Response {
    let url = st.with_partner(id, |p| p.webhook_url.clone()).flatten();
    let body = match url {
        Some(u) => json!({ "webhook_url": u }),
        None => json!({}),
    };
    json_response(StatusCode::OK, &body, trace)
}

fn set_url(st: &State, id: &str, body: &Bytes, trace: &str) -> Response {
    let url = match single_field(Some(body), "webhook_url") {
        Ok(Value::String(s)) => s,
        Ok(_) => return wrong_payload(trace, "webhook_url", "Not a valid string."),
        Err((field, reason)) => return wrong_payload(trace, &field, reason),
    };
    if !is_valid_webhook_url(&url) {
        return wrong_payload(trace, "webhook_url", "Not a valid URL.");
    }
    let out = st.with_partner(id, |p| {
        p.webhook_url = Some(url);
        p.partner_out()
    });
    json_response(StatusCode::OK, &out.unwrap_or_default(), trace)
}

fn get_headers(st: &State, id: &str, _: &Bytes, trace: &str) -> Response {
    let h = st
        .with_partner(id, |p| p.webhook_headers.clone())
        .unwrap_or_default();
    json_response(StatusCode::OK, &json!({ "webhook_headers": h }), trace)
}

fn set_headers(st: &State, id: &str, body: &Bytes, trace: &str) -> Response {
    let map = match single_field(Some(body), "webhook_headers") {
        Ok(Value::Object(m)) => m,
        Ok(_) => {
            return wrong_payload(trace, "webhook_headers", "Not a valid mapping type.");
        }
        Err((field, reason)) => return wrong_payload(trace, &field, reason),
    };
    for (name, value) in &map {
        let bad_name = name.is_empty() || !name.bytes().all(is_tchar);
        let bad_value = value
            .as_str()
            .is_some_and(|v| v.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0));
        if bad_name || bad_value {
            let reason = if bad_name {
                "Not a valid header name."
            } else {
                "Not a valid header value."
            };
            return meta_error(
                StatusCode::BAD_REQUEST,
                "Wrong payload",
                trace,
                Some(json!({ "webhook_headers": { name: [reason] } })),
            );
        }
    }
    let out = st.with_partner(id, |p| {
        p.webhook_headers = map;
        let mut out = p.partner_out();
        out["webhook_headers"] = Value::Object(p.webhook_headers.clone());
        out
    });
    json_response(StatusCode::OK, &out.unwrap_or_default(), trace)
}

fn token(state: &State, _: &str, body: &Bytes, trace_id: &str) -> Response {
    let fields = match object_body(Some(body), &["username", "password"]) {
        Ok(f) => f,
        Err((field, reason)) => return wrong_payload(trace_id, &field, reason),
    };
    let field = |name: &str| fields.get(name).and_then(Value::as_str);
    for name in ["username", "password"] {
        if field(name).is_none() {
            return wrong_payload(trace_id, name, "Missing data for required field.");
        }
    }
    let cfg = &state.config;
    if field("username") != Some(cfg.username.as_str())
        || field("password") != Some(cfg.password.as_str())
    {
        return meta_error(
            StatusCode::UNAUTHORIZED,
            "Invalid username or password",
            trace_id,
            None,
        );
    }
    let token = state.issue_token();
    let body = json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": cfg.token_ttl.as_secs(),
        "refresh_token": crate::config::random_secret("sbxref_", 16),
    });
    json_response(StatusCode::OK, &body, trace_id)
}

/// Why a body was refused: the field to name in `details` and the reason.
type PayloadError = (String, &'static str);

/// Parses a JSON object body that may only hold `allowed` keys.
fn object_body(body: Option<&Bytes>, allowed: &[&str]) -> Result<Map<String, Value>, PayloadError> {
    const NOT_OBJECT: &str = "Invalid input type: the body must be a JSON object.";
    let body = body.map(|b| b.as_ref()).unwrap_or_default();
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return Err(("_schema".into(), NOT_OBJECT));
    };
    if let Some(extra) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err((extra.clone(), "Unknown field."));
    }
    Ok(map)
}

/// Parses a body `{"<name>": value}` (no other key) and returns the value.
fn single_field(body: Option<&Bytes>, name: &str) -> Result<Value, PayloadError> {
    let mut map = object_body(body, &[name])?;
    map.remove(name)
        .ok_or_else(|| (name.to_string(), "Missing data for required field."))
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn is_valid_webhook_url(raw: &str) -> bool {
    url::Url::parse(raw)
        .map(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .unwrap_or(false)
}

async fn add_fault(Extract(state): Extract<Shared>, body: Bytes) -> Response {
    let trace_id = new_trace_id();
    let fault: Fault = match serde_json::from_slice(&body) {
        Ok(f) => f,
        Err(e) => {
            return meta_error(
                StatusCode::BAD_REQUEST,
                &format!("Invalid fault: {e}"),
                &trace_id,
                None,
            );
        }
    };
    if let Err(e) = fault.check() {
        return meta_error(
            StatusCode::BAD_REQUEST,
            &format!("Invalid fault: {e}"),
            &trace_id,
            Some(json!({ e.field: [e.rule] })),
        );
    }
    let echo = serde_json::to_value(&fault).unwrap_or_default();
    state.add_fault(fault);
    json_response(StatusCode::CREATED, &echo, &trace_id)
}

async fn list_faults(Extract(state): Extract<Shared>) -> Response {
    json_response(
        StatusCode::OK,
        &json!({ "faults": state.faults() }),
        &new_trace_id(),
    )
}

async fn clear_faults(Extract(state): Extract<Shared>) -> Response {
    let n = state.clear_faults();
    json_response(StatusCode::OK, &json!({ "cleared": n }), &new_trace_id())
}

async fn stats(Extract(state): Extract<Shared>) -> Response {
    let s = serde_json::to_value(state.stats()).unwrap_or_default();
    json_response(StatusCode::OK, &s, &new_trace_id())
}

async fn revoke_tokens(Extract(state): Extract<Shared>) -> Response {
    let n = state.revoke_tokens();
    json_response(StatusCode::OK, &json!({ "revoked": n }), &new_trace_id())
}

async fn emit_event(
    Extract(state): Extract<Shared>,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Response {
    let trace_id = new_trace_id();
    let Ok(Path(partner_id)) = path else {
        return meta_error(StatusCode::NOT_FOUND, "Not found", &trace_id, None);
    };
    let mut fields = match object_body(Some(&body), &["event", "data", "unchecked", "faults"]) {
        Ok(f) => f,
        Err((field, reason)) => return wrong_payload(&trace_id, &field, reason),
    };
    let event = match fields.remove("event") {
        Some(Value::String(e)) => e,
        Some(_) => return wrong_payload(&trace_id, "event", "Not a valid string."),
        None => return wrong_payload(&trace_id, "event", "Missing data for required field."),
    };
    let data = fields.remove("data").filter(|d| !d.is_null());
    let unchecked = match fields.remove("unchecked") {
        None | Some(Value::Bool(false)) => false,
        Some(Value::Bool(true)) => true,
        Some(_) => return wrong_payload(&trace_id, "unchecked", "Not a valid boolean."),
    };
    // Given data is checked against the event's model before anything is
    // sent (`"unchecked": true` sends it as it is, to test a receiver's leniency).
    if let (Some(d), false) = (&data, unchecked) {
        if let Err((field, reason)) = crate::samples::check_data(&event, d) {
            return wrong_payload(&trace_id, &field, &reason);
        }
    }
    let faults = match fields.remove("faults") {
        None | Some(Value::Null) => Default::default(),
        Some(f) => {
            let url = state
                .with_partner(&partner_id, |p| p.webhook_url.clone())
                .flatten();
            match crate::delivery_faults::DeliveryFaults::parse(f, url.as_deref()) {
                Ok(f) => f,
                Err((field, reason)) => return wrong_payload(&trace_id, &field, &reason),
            }
        }
    };
    emitted(
        state.emit_with(&partner_id, &event, data, faults),
        &trace_id,
    )
}

/// `POST .../deliveries/{id}/resend`: the same body again, as a new delivery.
async fn resend_delivery(
    Extract(state): Extract<Shared>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    let trace_id = new_trace_id();
    let Ok(Path((partner_id, delivery_id))) = path else {
        return meta_error(StatusCode::NOT_FOUND, "Not found", &trace_id, None);
    };
    emitted(state.resend(&partner_id, &delivery_id), &trace_id)
}

/// The answer to `emit` and `resend`.
pub(crate) fn emitted(
    result: Result<crate::delivery::Delivery, EmitError>,
    trace_id: &str,
) -> Response {
    let trace_id = trace_id.to_string();
    match result {
        Ok(d) => json_response(
            StatusCode::ACCEPTED,
            &json!({"delivery_id": d.id, "event": d.event, "url": d.url, "status": d.status}),
            &trace_id,
        ),
        Err(EmitError::NoSuchPartner) => {
            meta_error(StatusCode::NOT_FOUND, "Partner not found", &trace_id, None)
        }
        Err(EmitError::NoSuchDelivery) => {
            meta_error(StatusCode::NOT_FOUND, "Delivery not found", &trace_id, None)
        }
        Err(EmitError::NoWebhookUrl) => meta_error(
            StatusCode::CONFLICT,
            "The partner has no webhook URL set: POST .../webhook_url first",
            &trace_id,
            None,
        ),
        Err(e @ EmitError::EmptyEvent) => wrong_payload(&trace_id, "event", &e.to_string()),
        Err(e) => wrong_payload(&trace_id, "data", &e.to_string()),
    }
}

async fn list_deliveries(
    Extract(state): Extract<Shared>,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let trace_id = new_trace_id();
    match path {
        Ok(Path(partner_id)) if state.partner_exists(&partner_id) => json_response(
            StatusCode::OK,
            &json!({ "deliveries": state.deliveries(Some(&partner_id)) }),
            &trace_id,
        ),
        _ => meta_error(StatusCode::NOT_FOUND, "Partner not found", &trace_id, None),
    }
}

/// `GET /_sandbox/health`: up, and for which partner (for service supervisors).
async fn health(Extract(state): Extract<Shared>) -> Response {
    json_response(
        StatusCode::OK,
        &json!({"ok": true, "partner_id": state.config.partner_id}),
        &new_trace_id(),
    )
}

pub(crate) async fn not_found() -> Response {
    meta_error(StatusCode::NOT_FOUND, "Not found", &new_trace_id(), None)
}
