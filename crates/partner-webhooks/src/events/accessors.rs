//! Accessors of [`PartnerEvent`]: the envelope, the common fields read from
//! the typed payload by JSON name, the raw body.

use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::model::*;
use crate::fields::Fields;

/// Applies `$f` to the `Event<_>` inside any known variant, or `$unknown`.
macro_rules! with_event {
    ($self:expr, |$e:ident| $f:expr, $unknown:pat => $u:expr) => {
        match $self {
            PartnerEvent::ClientCreated($e) => $f,
            PartnerEvent::ChannelCreated($e)
            | PartnerEvent::ChannelSubmitted($e)
            | PartnerEvent::ChannelReady($e)
            | PartnerEvent::ChannelRunning($e)
            | PartnerEvent::ChannelLive($e)
            | PartnerEvent::CancellationRequest($e)
            | PartnerEvent::CancellationRevoke($e)
            | PartnerEvent::CancellationProcessed($e) => $f,
            PartnerEvent::AccountViolation($e) | PartnerEvent::AccountRestriction($e) => $f,
            PartnerEvent::TemplateMessagingEnabled($e)
            | PartnerEvent::TemplateMessagingDisabled($e) => $f,
            PartnerEvent::TemplateStatusChanged($e) => $f,
            $unknown => $u,
        }
    };
}

impl PartnerEvent {
    /// The `event` value exactly as sent.
    pub fn event_type(&self) -> &str {
        with_event!(self, |e| &e.event, PartnerEvent::Unknown { event, .. } => event)
    }

    /// The canonical name of a known event (`"channel_created"`, ...), or
    /// `None` for [`Unknown`](PartnerEvent::Unknown).
    pub fn known_type(&self) -> Option<&'static str> {
        let i = match self {
            PartnerEvent::ClientCreated(_) => 0,
            PartnerEvent::ChannelCreated(_) => 1,
            PartnerEvent::ChannelSubmitted(_) => 2,
            PartnerEvent::ChannelReady(_) => 3,
            PartnerEvent::ChannelRunning(_) => 4,
            PartnerEvent::ChannelLive(_) => 5,
            PartnerEvent::AccountViolation(_) => 6,
            PartnerEvent::AccountRestriction(_) => 7,
            PartnerEvent::TemplateMessagingEnabled(_) => 8,
            PartnerEvent::TemplateMessagingDisabled(_) => 9,
            PartnerEvent::TemplateStatusChanged(_) => 10,
            PartnerEvent::CancellationRequest(_) => 11,
            PartnerEvent::CancellationRevoke(_) => 12,
            PartnerEvent::CancellationProcessed(_) => 13,
            PartnerEvent::Unknown { .. } => return None,
        };
        Some(KNOWN_EVENTS[i])
    }

    /// Whether the SDK does not know this event.
    pub fn is_unknown(&self) -> bool {
        matches!(self, PartnerEvent::Unknown { .. })
    }

    /// The whole event body, exactly as received.
    pub fn raw(&self) -> &RawJson {
        with_event!(self, |e| &e.raw, PartnerEvent::Unknown { raw, .. } => raw)
    }

    /// The raw `data` object (or the top level when there is no `data` object).
    pub fn data(&self) -> &Map<String, Value> {
        static EMPTY: OnceLock<Map<String, Value>> = OnceLock::new();
        let raw = self.raw().value();
        match raw.get("data") {
            Some(Value::Object(d)) => d,
            _ => raw
                .as_object()
                .unwrap_or_else(|| EMPTY.get_or_init(Map::new)),
        }
    }

    /// The payload as JSON the way the SDK read it: a known event's typed
    /// payload (modelled fields of the wrong JSON type left out, everything
    /// unmodelled kept), an unknown event's raw `data`. What the bindings
    /// hand over as typed data (Python's TypedDicts, Kotlin's records).
    ///
    /// ```
    /// let e = partner_webhooks::parse_event(br#"{"event":"channel_live","data":{"id":"c1","status":5,"x":1}}"#).unwrap();
    /// assert_eq!(e.typed_data(), serde_json::json!({"id": "c1", "x": 1}));
    /// ```
    pub fn typed_data(&self) -> Value {
        let typed = with_event!(self, |e| serde_json::to_value(&e.data), PartnerEvent::Unknown { .. } => {
            Ok(Value::Object(self.data().clone()))
        });
        typed.unwrap_or_else(|_| Value::Object(self.data().clone()))
    }

    /// The top-level `id`, when sent.
    pub fn id(&self) -> Option<&str> {
        with_event!(self, |e| e.id.as_deref(), PartnerEvent::Unknown { .. } => {
            self.raw().value().get("id").and_then(Value::as_str)
        })
    }

    /// The payload's fields: the typed payload of a known event (no JSON
    /// tree is built), the raw `data` object of an unknown one.
    fn fields(&self) -> &dyn Fields {
        with_event!(self, |e| &e.data as &dyn Fields, PartnerEvent::Unknown { .. } => self.data())
    }

    fn data_str(&self, key: &str) -> Option<&str> {
        self.fields().str_field(key)
    }

    fn nested_str(&self, object: &str, key: &str) -> Option<&str> {
        self.fields()
            .object_field(object)
            .and_then(|o| o.str_field(key))
    }

    /// The phone number, whether at the top of `data` or under `setup_info`.
    pub fn phone_number(&self) -> Option<&str> {
        self.data_str("phone_number")
            .or_else(|| self.nested_str("setup_info", "phone_number"))
    }

    /// The display name, whether at the top of `data` (`phone_name`) or under `setup_info`.
    pub fn phone_name(&self) -> Option<&str> {
        self.data_str("phone_name")
            .or_else(|| self.nested_str("setup_info", "phone_name"))
    }

    /// The channel id: `data.channel_id`, or `data.id` for channel events.
    pub fn channel_id(&self) -> Option<&str> {
        let channel_event = matches!(
            self,
            PartnerEvent::ChannelCreated(_)
                | PartnerEvent::ChannelSubmitted(_)
                | PartnerEvent::ChannelReady(_)
                | PartnerEvent::ChannelRunning(_)
                | PartnerEvent::ChannelLive(_)
                | PartnerEvent::CancellationRequest(_)
                | PartnerEvent::CancellationRevoke(_)
                | PartnerEvent::CancellationProcessed(_)
        );
        self.data_str("channel_id").or_else(|| {
            if channel_event {
                self.data_str("id")
            } else {
                None
            }
        })
    }

    /// The client id: `data.client_id`, `data.client.id`, or `data.id` for `client_created`.
    pub fn client_id(&self) -> Option<&str> {
        self.data_str("client_id")
            .or_else(|| self.nested_str("client", "id"))
            .or_else(|| match self {
                PartnerEvent::ClientCreated(_) => self.data_str("id"),
                _ => None,
            })
    }

    /// `data.status` as sent (a channel, client or template status).
    pub fn status(&self) -> Option<&str> {
        self.data_str("status")
    }

    /// A key for de-duplicating redeliveries (360dialog delivers at least
    /// once and documents no event id): `id` when sent, else the event type,
    /// the object id and its status.
    pub fn dedup_key(&self) -> String {
        match self.id() {
            Some(id) => format!("{}:{id}", self.event_type()),
            None => format!(
                "{}:{}:{}",
                self.event_type(),
                self.data_str("id").or(self.phone_number()).unwrap_or(""),
                self.status().unwrap_or("")
            ),
        }
    }
}
