//! The receiver check: four deliveries of one fresh event to the configured
//! webhook URL, one attempt each: a valid one, one with a wrong signature,
//! one without the custom headers, and the valid one again (a duplicate).
//! Every answer that is wrong is reported: a receiver must refuse a forged or
//! header-less delivery (any non-2xx), and accept a duplicate (2xx: a refusal
//! makes the provider retry it) without acting on it twice.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::json;

use crate::delivery::{DeliveryPolicy, Tampering};
use crate::state::{EmitError, Outgoing, State};

/// One case of the check and what the receiver answered.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CaseResult {
    /// `valid`, `wrong_signature`, `without_custom_headers` or `duplicate`.
    pub(crate) case: &'static str,
    pub(crate) delivery_id: String,
    /// The receiver's status, when it answered.
    pub(crate) status: Option<u16>,
    /// Why no answer arrived.
    pub(crate) error: Option<String>,
    /// `2xx` or `not 2xx`.
    pub(crate) expected: &'static str,
    pub(crate) ok: bool,
    /// What a wrong answer means; `None` when right.
    pub(crate) problem: Option<&'static str>,
}

struct Case {
    name: &'static str,
    tampering: Tampering,
    accept: bool,
    problem: &'static str,
}

const CASES: [Case; 4] = [
    Case {
        name: "valid",
        tampering: Tampering {
            wrong_signature: false,
            without_custom_headers: false,
        },
        accept: true,
        problem: "a valid, signed delivery was not accepted",
    },
    Case {
        name: "wrong_signature",
        tampering: Tampering {
            wrong_signature: true,
            without_custom_headers: false,
        },
        accept: false,
        problem: "a delivery with a wrong signature was accepted: the receiver does not verify x-360dialog-signature",
    },
    Case {
        name: "without_custom_headers",
        tampering: Tampering {
            wrong_signature: false,
            without_custom_headers: true,
        },
        accept: false,
        problem: "a delivery without the custom headers was accepted: the receiver does not check them",
    },
    Case {
        name: "duplicate",
        tampering: Tampering {
            wrong_signature: false,
            without_custom_headers: false,
        },
        accept: true,
        problem: "a duplicate was refused: the provider retries a refused delivery, so accept it (and skip its work)",
    },
];

/// Runs the check for `partner_id`, one case after the other.
pub(crate) async fn run(
    state: &Arc<State>,
    partner_id: &str,
) -> Result<Vec<CaseResult>, EmitError> {
    let has_headers = state
        .with_partner(partner_id, |p| !p.webhook_headers.is_empty())
        .ok_or(EmitError::NoSuchPartner)?;
    let event_id = uuid::Uuid::new_v4().to_string();
    let event = "channel_live";
    let body = json!({
        "id": event_id,
        "event": event,
        "data": crate::samples::sample_data(event, partner_id),
    })
    .to_string();
    let policy = DeliveryPolicy {
        max_attempts: 1,
        ..state.config.delivery
    };
    let mut results = Vec::new();
    for case in &CASES {
        if case.tampering.without_custom_headers && !has_headers {
            continue; // Nothing to leave out.
        }
        let out = Outgoing {
            tampering: case.tampering,
            note: Some(format!("receiver check: {}", case.name.replace('_', " "))),
            policy: Some(policy),
            ..Outgoing::default()
        };
        let id = uuid::Uuid::new_v4().to_string();
        let queued = state.deliver(partner_id, id, event, body.clone(), out)?;
        let done = state
            .wait_for_delivery(
                &queued.id,
                policy.timeout.saturating_add(Duration::from_secs(2)),
            )
            .await;
        let attempt = done.and_then(|d| d.attempts.first().cloned());
        let status = attempt.as_ref().and_then(|a| a.status);
        let accepted = status.is_some_and(|s| (200..300).contains(&s));
        let ok = accepted == case.accept;
        results.push(CaseResult {
            case: case.name,
            delivery_id: queued.id,
            status,
            error: attempt.and_then(|a| a.error),
            expected: if case.accept { "2xx" } else { "not 2xx" },
            ok,
            problem: (!ok).then_some(case.problem),
        });
    }
    Ok(results)
}
