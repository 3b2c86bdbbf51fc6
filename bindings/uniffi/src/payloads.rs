//! Typed event payloads for Kotlin and Swift: `EventPayload` is a sealed class
//! in Kotlin and an enum with associated values in Swift, one case per known
//! event with its data record, `Unknown` for the rest. The records are read
//! from the core's typed payload (`PartnerEvent::typed_data`: modelled fields
//! of the wrong JSON type already left out), so every field is optional and
//! nothing here can fail; `Event.dataJson` keeps every field, modelled or not.

use partner_webhooks::PartnerEvent;
use serde::Deserialize;

/// Free-form JSON (such as `partner_payload`) as its JSON text.
fn json_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok((!v.is_null()).then(|| v.to_string()))
}

/// The client a channel belongs to.
#[derive(Debug, Clone, Default, Deserialize, uniffi::Record)]
#[serde(default)]
pub struct ClientRef {
    pub id: Option<String>,
    pub name: Option<String>,
    /// What the partner passed at onboarding, as JSON text.
    #[serde(deserialize_with = "json_text")]
    pub partner_payload: Option<String>,
}

/// `setup_info` of a channel.
#[derive(Debug, Clone, Default, Deserialize, uniffi::Record)]
#[serde(default)]
pub struct SetupInfo {
    pub phone_number: Option<String>,
    pub phone_name: Option<String>,
}

/// The WABA account of a channel.
#[derive(Debug, Clone, Default, Deserialize, uniffi::Record)]
#[serde(default)]
pub struct WabaAccount {
    pub id: Option<String>,
    pub external_id: Option<String>,
    pub fb_account_status: Option<String>,
    pub status: Option<String>,
}

/// `data` of the channel events (`channel_*`, `cancellation_*`).
#[derive(Debug, Clone, Default, Deserialize, uniffi::Record)]
#[serde(default)]
pub struct ChannelData {
    pub id: Option<String>,
    pub client_id: Option<String>,
    pub client: Option<ClientRef>,
    pub status: Option<String>,
    pub account_mode: Option<String>,
    pub created_at: Option<String>,
    pub modified_at: Option<String>,
    pub billing_started_at: Option<String>,
    pub terminated_at: Option<String>,
    pub setup_info: Option<SetupInfo>,
    pub waba_account: Option<WabaAccount>,
    pub phone_number: Option<String>,
    pub phone_name: Option<String>,
}

/// `data` of `client_created`.
#[derive(Debug, Clone, Default, Deserialize, uniffi::Record)]
#[serde(default)]
pub struct ClientData {
    pub id: Option<String>,
    pub name: Option<String>,
    pub status: Option<String>,
    pub partner_id: Option<String>,
    pub created_at: Option<String>,
    pub modified_at: Option<String>,
}

/// One restriction of an `account_restriction` event.
#[derive(Debug, Clone, Default, Deserialize, uniffi::Record)]
#[serde(default)]
pub struct Restriction {
    pub restriction_type: Option<String>,
    pub expiration: Option<String>,
}

/// `data` of `account_violation` and `account_restriction`.
#[derive(Debug, Clone, Default, Deserialize, uniffi::Record)]
#[serde(default)]
pub struct AccountData {
    pub phone_number: Option<String>,
    pub violation_type: Option<String>,
    pub restrictions: Vec<Restriction>,
    pub waba_account_id: Option<String>,
    pub channel_id: Option<String>,
}

/// `data` of `template_messaging_enabled` / `_disabled`.
#[derive(Debug, Clone, Default, Deserialize, uniffi::Record)]
#[serde(default)]
pub struct TemplateMessagingData {
    pub channel_id: Option<String>,
    pub waba_account_id: Option<String>,
    pub phone_number: Option<String>,
}

/// `data` of the template status event: the template object.
#[derive(Debug, Clone, Default, Deserialize, uniffi::Record)]
#[serde(default)]
pub struct TemplateStatusData {
    pub id: Option<String>,
    pub external_id: Option<String>,
    pub waba_account_id: Option<String>,
    pub partner_id: Option<String>,
    pub name: Option<String>,
    pub language: Option<String>,
    pub category: Option<String>,
    pub namespace: Option<String>,
    /// Lower-case, e.g. `approved`, `rejected`.
    pub status: Option<String>,
    pub rejected_reason: Option<String>,
}

/// Makes `EventPayload` (one case per known event, with the record of its
/// payload type) from the core's one list of events (`for_each_event!`).
macro_rules! payloads {
    ($( $(#[$attr:meta])* $variant:ident ($class:ident): $data:ident = $name:literal $(| $alias:literal)*; )*) => {
        /// What an event carries, by event (one case per known event, named
        /// after it): `when (val p = event.payload) { is
        /// EventPayload.ChannelLive -> p.data.setupInfo?.phoneNumber ... }` in
        /// Kotlin, `switch event.payload { case .channelLive(let data): ... }` in Swift.
        #[derive(Debug, Clone, uniffi::Enum)]
        pub enum EventPayload {
            $( $(#[$attr])* $variant { data: $data }, )*
            /// An event this SDK does not know: see `Event.eventType` and `Event.dataJson`.
            Unknown,
        }

        impl EventPayload {
            /// The payload of `e`, typed by its kind.
            pub(crate) fn of(e: &PartnerEvent) -> Self {
                let data = e.typed_data();
                match e.known_type() {
                    $(Some($name) => EventPayload::$variant {
                        data: $data::deserialize(&data).unwrap_or_default(),
                    },)*
                    _ => EventPayload::Unknown,
                }
            }
        }
    };
}

partner_webhooks::for_each_event!(payloads);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_event_has_its_case_and_typed_data() {
        for name in partner_webhooks::events::KNOWN_EVENTS {
            let e = partner_webhooks::parse_event(
                format!(r#"{{"event":"{name}","data":{{}}}}"#).as_bytes(),
            )
            .unwrap();
            assert!(
                !matches!(EventPayload::of(&e), EventPayload::Unknown),
                "{name}"
            );
        }
        let e = partner_webhooks::parse_event(
            br#"{"event":"wabaTemplateStatusChanged","data":{"status":"rejected","rejected_reason":"INVALID_FORMAT","name":5}}"#,
        )
        .unwrap();
        match EventPayload::of(&e) {
            EventPayload::TemplateStatusChanged { data } => {
                assert_eq!(data.status.as_deref(), Some("rejected"));
                assert_eq!(data.rejected_reason.as_deref(), Some("INVALID_FORMAT"));
                assert_eq!(data.name, None, "a field of the wrong type is left out");
            }
            other => panic!("{other:?}"),
        }
        let e = partner_webhooks::parse_event(br#"{"event":"brand_new","data":{"a":1}}"#).unwrap();
        assert!(matches!(EventPayload::of(&e), EventPayload::Unknown));
    }
}
