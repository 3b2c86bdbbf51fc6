//! Realistic `data` for each partner event, filled in when an emitted event
//! has none. Shapes follow 360dialog's channel and client objects as far as
//! they are known (every field is a plausible guess; see the domain notes).

use serde_json::{Value, json};

/// Sample `data` for `event` (an empty object for events without a known shape).
pub fn sample_data(event: &str, partner_id: &str) -> Value {
    let channel = |status: &str, mode: &str, fb: &str| {
        json!({
            "id": "sandboxCH",
            "client_id": "sandboxCL",
            "partner_id": partner_id,
            "client": {"id": "sandboxCL", "name": "Sandbox Client GmbH", "partner_payload": null},
            "status": status,
            "account_mode": mode,
            "created_at": "2026-01-01T12:00:00Z",
            "modified_at": "2026-01-02T09:30:00Z",
            "billing_started_at": if mode == "live" { json!("2026-01-02T09:30:00Z") } else { Value::Null },
            "terminated_at": null,
            "setup_info": {"phone_number": "+4915123456789", "phone_name": "Sandbox Client"},
            "waba_account": {"id": "sandboxWA", "external_id": "102030405060708", "fb_account_status": fb},
            "integration": {"enabled": true, "app_id": "1234567890", "state": "running"}
        })
    };
    match event {
        "client_created" => json!({
            "id": "sandboxCL", "name": "Sandbox Client GmbH", "status": "active", "partner_id": partner_id,
            "partner_payload": null, "created_at": "2026-01-01T12:00:00Z", "modified_at": "2026-01-01T12:00:00Z"
        }),
        "channel_created" => channel("created", "sandbox", "pending"),
        "channel_submitted" => channel("unverified", "sandbox", "pending"),
        "channel_ready" => channel("ready", "sandbox", "verified"),
        "channel_running" => channel("running", "live", "verified"),
        "channel_live" => channel("live", "live", "verified"),
        "cancellation_request" | "cancellation_revoke" | "cancellation_processed" => {
            let mut c = channel("running", "live", "verified");
            c["terminated_at"] = json!("2026-02-01T00:00:00Z");
            c
        }
        "account_violation" => json!({
            "phone_number": "+4915123456789", "violation_type": "SCAM", "waba_account_id": "sandboxWA"
        }),
        "account_restriction" => json!({
            "phone_number": "+4915123456789", "violation_type": "SPAM", "waba_account_id": "sandboxWA",
            "restrictions": [{"restriction_type": "RESTRICTED_ADD_PHONE_NUMBER_ACTION", "expiration": "2026-03-01T00:00:00Z"}]
        }),
        "template_messaging_enabled" | "template_messaging_disabled" => json!({
            "channel_id": "sandboxCH", "waba_account_id": "sandboxWA", "phone_number": "+4915123456789"
        }),
        "waba_template_status_changed" => json!({
            "id": "sandboxTP", "external_id": "1234567890123456", "waba_account_id": "sandboxWA",
            "partner_id": partner_id, "name": "order_update", "language": "en", "category": "UTILITY",
            "namespace": "c8ae5f90_307a_ca4c_b8f6_d1e2a2573574", "status": "approved", "rejected_reason": null
        }),
        _ => json!({}),
    }
}

/// Checks given `data` for a known `event` against the SDK's model of it:
/// the first field the model cannot read (a wrong JSON type, say) is named
/// with what the model made of it. An unknown event, or unmodelled fields,
/// pass.
///
/// ```
/// use partner_webhooks_sandbox::check_data;
/// use serde_json::json;
/// assert!(check_data("channel_live", &json!({"id": "c1", "status": "live", "x": 1})).is_ok());
/// let e = check_data("channel_live", &json!({"setup_info": {"phone_number": 4915}})).unwrap_err();
/// assert_eq!(e.0, "data.setup_info.phone_number");
/// assert!(check_data("not_an_event", &json!({"anything": [1]})).is_ok());
/// ```
pub fn check_data(event: &str, data: &Value) -> Result<(), (String, String)> {
    if !partner_webhooks::events::KNOWN_EVENTS.contains(&event) {
        return Ok(());
    }
    let body = json!({ "event": event, "data": data }).to_string();
    let Ok(parsed) = partner_webhooks::parse_event(body.as_bytes()) else {
        return Ok(());
    };
    let read = parsed.typed_data();
    match first_unread(data, Some(&read), "data") {
        None => Ok(()),
        Some(path) => Err((
            path,
            format!("Not a valid value for this field of {event} (its model cannot read it)."),
        )),
    }
}

/// The path of the first value of `given` that the model read differently.
fn first_unread(given: &Value, read: Option<&Value>, path: &str) -> Option<String> {
    match (given, read) {
        (Value::Object(g), Some(Value::Object(r))) => g
            .iter()
            .find_map(|(k, v)| first_unread(v, r.get(k), &format!("{path}.{k}"))),
        // The model leaves absent what is null.
        (Value::Null, None) => None,
        (g, Some(r)) if g == r => None,
        _ => Some(path.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_fits_its_model() {
        for event in partner_webhooks::events::KNOWN_EVENTS {
            let data = sample_data(event, "p");
            assert_eq!(check_data(event, &data), Ok(()), "{event}");
        }
    }
}
