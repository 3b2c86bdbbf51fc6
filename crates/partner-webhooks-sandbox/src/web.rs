//! The sandbox's page (`GET /`) and the JSON routes it reads and acts through.
//!
//! The page is one server-rendered HTML document plus a small plain script
//! and stylesheet, embedded in the binary (`page/`). It reads the JSON API
//! under `/_sandbox/` and the live stream (`live.rs`), and acts through the
//! same control routes as the CLI.
//!
//! Guards are in `guard.rs`. This module is compiled with the crate's `page`
//! feature (on by default; the CLI's sandbox has it, the SDKs' embedded
//! sandboxes leave it out to keep their libraries small).

use axum::Router;
use axum::extract::{Path, Query, State as Extract};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::state::State;

type Shared = std::sync::Arc<State>;

const INDEX_HTML: &str = include_str!("page/index.html");
const APP_JS: &str = include_str!("page/app.js");
const APP_CSS: &str = include_str!("page/app.css");

/// Adds the page and the routes it reads and acts through.
pub(crate) fn routes(router: Router<Shared>) -> Router<Shared> {
    router
        .route("/", get(page))
        .route("/deliveries/{delivery_id}", get(page))
        .route("/_sandbox/assets/{name}", get(asset))
        .route("/_sandbox/overview", get(overview))
        .route("/_sandbox/reveal", get(reveal))
        .route("/_sandbox/stream", get(stream))
        .route("/_sandbox/samples/{event}", get(sample))
        .route("/_sandbox/debug/signature", post(debug_signature))
        .route("/_sandbox/deliveries/{delivery_id}/replay", post(replay))
        .route("/_sandbox/receiver-check", post(receiver_check))
        .route("/_sandbox/export", get(export))
        .route("/_sandbox/import", post(import))
        .route("/_sandbox/deliveries", get(all_deliveries))
        .route("/_sandbox/deliveries/{delivery_id}", get(delivery_detail))
}

/// `GET /` and `GET /deliveries/{id}`: the page (the script opens the
/// delivery named in the address). No secret is in it.
pub(crate) async fn page(Extract(state): Extract<Shared>) -> Response {
    let options: String = partner_webhooks::events::KNOWN_EVENTS
        .iter()
        .map(|e| format!("<option>{e}</option>"))
        .collect();
    let html = INDEX_HTML
        .replace("{{token}}", state.site.token())
        .replace("{{partner_id}}", &escape(&state.config.partner_id))
        .replace("{{event_options}}", &options)
        .replace(
            "{{response_limit}}",
            &crate::delivery::RESPONSE_BODY_LIMIT.to_string(),
        );
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::X_FRAME_OPTIONS, "DENY"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
            ),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        html,
    )
        .into_response()
}

/// The page's script and stylesheet.
pub(crate) async fn asset(Path(name): Path<String>) -> Response {
    let (body, kind) = match name.as_str() {
        "app.js" => (APP_JS, "text/javascript; charset=utf-8"),
        "app.css" => (APP_CSS, "text/css; charset=utf-8"),
        _ => return crate::routes::not_found().await,
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// `GET /_sandbox/overview`: what the page's header shows, secrets masked.
pub(crate) async fn overview(Extract(state): Extract<Shared>) -> Response {
    let partner = state
        .partner_settings()
        .into_iter()
        .find(|p| p.id == state.config.partner_id);
    let (url, headers) = partner.map_or((None, Vec::new()), |p| {
        (p.webhook_url, p.webhook_headers.keys().cloned().collect())
    });
    let body = json!({
        "partner_id": state.config.partner_id,
        "base_url": format!("http://{}", state.site.addr()),
        "webhook_url": url,
        "webhook_header_names": headers,
        "platform_secret": MASK,
        "faults": state.faults(),
        "events": partner_webhooks::events::KNOWN_EVENTS,
        "last_seq": state.live.last(),
    });
    crate::routes::json_response(StatusCode::OK, &body, &crate::routes::new_trace_id())
}

/// `GET /_sandbox/reveal?what=secret` or `?what=header&name=N`: one secret,
/// for the page's reveal and copy buttons (a browser needs the token).
pub(crate) async fn reveal(
    Extract(state): Extract<Shared>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let trace_id = crate::routes::new_trace_id();
    let value = match q.get("what").map(String::as_str) {
        Some("secret") => Some(Value::String(state.config.platform_secret.clone())),
        Some("header") => q.get("name").and_then(|name| {
            state
                .partner_settings()
                .into_iter()
                .find(|p| p.id == state.config.partner_id)
                .and_then(|p| p.webhook_headers.get(name).cloned())
        }),
        _ => {
            return crate::routes::meta_error(
                StatusCode::BAD_REQUEST,
                "what must be secret or header (with name)",
                &trace_id,
                None,
            );
        }
    };
    match value {
        Some(v) => crate::routes::json_response(StatusCode::OK, &json!({ "value": v }), &trace_id),
        None => crate::routes::meta_error(StatusCode::NOT_FOUND, "No such header", &trace_id, None),
    }
}

/// `GET /_sandbox/deliveries`: every delivery (newest last) and the number
/// of the last change, to open the stream after it without a gap.
pub(crate) async fn all_deliveries(Extract(state): Extract<Shared>) -> Response {
    // The number first: a change made between the two reads comes again on the stream.
    let last_seq = state.live.last();
    let body = json!({ "deliveries": state.deliveries(None), "last_seq": last_seq });
    crate::routes::json_response(StatusCode::OK, &body, &crate::routes::new_trace_id())
}

/// `GET /_sandbox/deliveries/{id}`: one delivery with the request as sent
/// (header values of the partner's custom headers masked).
pub(crate) async fn delivery_detail(
    Extract(state): Extract<Shared>,
    Path(id): Path<String>,
) -> Response {
    let trace_id = crate::routes::new_trace_id();
    let Some(d) = state.delivery(&id) else {
        return crate::routes::meta_error(
            StatusCode::NOT_FOUND,
            "Delivery not found",
            &trace_id,
            None,
        );
    };
    let sent = state.sent_request(&id);
    let signature = sent.as_ref().map(|s| s.signature.clone());
    let mut headers = vec![
        json!({"name": "content-type", "value": "application/json"}),
        json!({"name": "x-360dialog-signature", "value": signature}),
    ];
    for name in sent.map(|s| s.header_names).unwrap_or_default() {
        headers.push(json!({"name": name, "value": MASK, "masked": true}));
    }
    let body = json!({
        "delivery": d,
        "request": { "method": "POST", "url": d.url, "headers": headers, "body_bytes": d.body.len() },
    });
    crate::routes::json_response(StatusCode::OK, &body, &trace_id)
}

/// `GET /_sandbox/samples/{event}`: the sample `data` the sandbox sends
/// for that kind (the page's trigger form starts from it).
pub(crate) async fn sample(Extract(state): Extract<Shared>, Path(event): Path<String>) -> Response {
    let data = crate::samples::sample_data(&event, &state.config.partner_id);
    crate::routes::json_response(
        StatusCode::OK,
        &json!({ "event": event, "data": data }),
        &crate::routes::new_trace_id(),
    )
}

/// `POST /_sandbox/debug/signature` with `{"delivery_id"?, "body"?,
/// "signature"?, "secret"?}`: the signature debugger. A delivery gives the
/// body and signature not given; the secret defaults to the platform secret.
pub(crate) async fn debug_signature(
    Extract(state): Extract<Shared>,
    body: axum::body::Bytes,
) -> Response {
    let trace_id = crate::routes::new_trace_id();
    let bad = |field: &str, why: &str| {
        crate::routes::meta_error(
            StatusCode::BAD_REQUEST,
            "Wrong payload",
            &trace_id,
            Some(json!({ field: [why] })),
        )
    };
    let Ok(Value::Object(mut q)) = serde_json::from_slice::<Value>(&body) else {
        return bad("_schema", "Not a valid mapping type.");
    };
    let mut text = |name: &str| match q.remove(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(name.to_string()),
    };
    let (id, given_body, given_sig, secret) = match (
        text("delivery_id"),
        text("body"),
        text("signature"),
        text("secret"),
    ) {
        (Ok(a), Ok(b), Ok(c), Ok(d)) => (a, b, c, d),
        (a, b, c, d) => {
            let field = [a.err(), b.err(), c.err(), d.err()]
                .into_iter()
                .flatten()
                .next()
                .unwrap_or_default();
            return bad(&field, "Not a valid string.");
        }
    };
    if let Some(unknown) = q.keys().next() {
        return bad(unknown, "Unknown field.");
    }
    let platform = state.config.platform_secret.as_str();
    let delivery = match &id {
        Some(id) => match state.delivery(id) {
            Some(d) => Some(d),
            None => {
                return crate::routes::meta_error(
                    StatusCode::NOT_FOUND,
                    "Delivery not found",
                    &trace_id,
                    None,
                );
            }
        },
        None => None,
    };
    let Some(body) = given_body.or_else(|| delivery.as_ref().map(|d| d.body.clone())) else {
        return bad(
            "body",
            "Missing data for required field (or give delivery_id).",
        );
    };
    let Some(sig) = given_sig.or_else(|| {
        delivery
            .as_ref()
            .map(|d| crate::delivery::signature(d.body.as_bytes(), platform))
    }) else {
        return bad(
            "signature",
            "Missing data for required field (or give delivery_id).",
        );
    };
    let sent: Vec<(String, String)> = state
        .deliveries(None)
        .into_iter()
        .map(|d| (d.id, d.body))
        .collect();
    let diagnosis = crate::debugger::diagnose(
        &body,
        &sig,
        secret.as_deref().unwrap_or(platform),
        platform,
        &sent,
    );
    crate::routes::json_response(StatusCode::OK, &json!(diagnosis), &trace_id)
}

/// `POST /_sandbox/deliveries/{id}/replay` with `{"body"?: text,
/// "wrong_signature"?: bool, "without_custom_headers"?: bool}`: the delivery
/// again as a new one, with an edited body (re-signed; it must be JSON), and
/// on purpose with a wrong signature or without the custom headers.
pub(crate) async fn replay(
    Extract(state): Extract<Shared>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let trace_id = crate::routes::new_trace_id();
    let bad = |field: &str, why: String| {
        crate::routes::meta_error(
            StatusCode::BAD_REQUEST,
            "Wrong payload",
            &trace_id,
            Some(json!({ field: [why] })),
        )
    };
    let q = if body.is_empty() {
        serde_json::Map::new()
    } else {
        match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(q)) => q,
            _ => return bad("_schema", "Not a valid mapping type.".into()),
        }
    };
    let mut tampering = crate::delivery::Tampering::default();
    let mut edited = None;
    for (key, value) in q {
        match (key.as_str(), value) {
            ("body", Value::String(text)) => {
                if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&text) {
                    return bad("body", format!("Not valid JSON: {e}."));
                }
                edited = Some(text);
            }
            ("body", Value::Null) => {}
            ("wrong_signature", Value::Bool(b)) => tampering.wrong_signature = b,
            ("without_custom_headers", Value::Bool(b)) => tampering.without_custom_headers = b,
            ("body", _) => return bad("body", "Not a valid string.".into()),
            ("wrong_signature" | "without_custom_headers", _) => {
                return bad(&key, "Not a valid boolean.".into());
            }
            _ => return bad(&key, "Unknown field.".into()),
        }
    }
    crate::routes::emitted(state.replay(&id, edited, tampering), &trace_id)
}

/// `POST /_sandbox/receiver-check`: four deliveries to the configured
/// webhook URL (see `check.rs`); answers with each case and whether the
/// receiver's answer was right.
pub(crate) async fn receiver_check(Extract(state): Extract<Shared>) -> Response {
    let trace_id = crate::routes::new_trace_id();
    let partner = state.config.partner_id.clone();
    match crate::check::run(&state, &partner).await {
        Ok(results) => {
            let ok = results.iter().all(|r| r.ok);
            crate::routes::json_response(
                StatusCode::OK,
                &json!({ "ok": ok, "cases": results }),
                &trace_id,
            )
        }
        Err(e) => crate::routes::emitted(Err(e), &trace_id),
    }
}

/// `GET /_sandbox/export`: the delivery log as JSON Lines (`fixtures.rs`).
pub(crate) async fn export(Extract(state): Extract<Shared>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/jsonl; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"deliveries.jsonl\"",
            ),
        ],
        crate::fixtures::to_jsonl(&state.export()),
    )
        .into_response()
}

/// `POST /_sandbox/import` with JSON Lines (as exported): the deliveries
/// join the log as they were, nothing is sent; a bad line is a 400 naming
/// it, and then nothing is added.
pub(crate) async fn import(Extract(state): Extract<Shared>, body: axum::body::Bytes) -> Response {
    let trace_id = crate::routes::new_trace_id();
    let parsed = std::str::from_utf8(&body)
        .map_err(|e| crate::fixtures::FixtureError {
            line: 0,
            message: e.to_string(),
        })
        .and_then(crate::fixtures::parse_jsonl);
    match parsed {
        Ok(recorded) => {
            let (imported, skipped) = state.import(recorded);
            crate::routes::json_response(
                StatusCode::OK,
                &json!({ "imported": imported, "skipped": skipped }),
                &trace_id,
            )
        }
        Err(e) => crate::routes::meta_error(
            StatusCode::BAD_REQUEST,
            &format!("Not a delivery log: {e}"),
            &trace_id,
            Some(json!({ "line": e.line })),
        ),
    }
}

/// `GET /_sandbox/stream`: the live stream, from after `Last-Event-ID` (or
/// `?after=N`; from the start when neither is given).
pub(crate) async fn stream(
    Extract(state): Extract<Shared>,
    headers: HeaderMap,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let after = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .or(q.get("after").map(String::as_str))
        .map(|s| s.trim().parse::<u64>());
    match after {
        Some(Err(_)) => crate::routes::meta_error(
            StatusCode::BAD_REQUEST,
            "Last-Event-ID (or after) must be a whole number",
            &crate::routes::new_trace_id(),
            None,
        ),
        Some(Ok(n)) => state.live.stream(n).into_response(),
        None => state.live.stream(0).into_response(),
    }
}

/// A secret as the page shows it before it is revealed.
const MASK: &str = "••••••••";

/// Text for HTML.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
