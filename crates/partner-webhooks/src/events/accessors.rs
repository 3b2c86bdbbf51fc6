//! Accessors of [`PartnerEvent`]: the envelope, the common fields read from
//! the typed payload by JSON name, the raw body.

use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::model::*;
use crate::fields::Fields;

impl PartnerEvent {
    /// The `event` value exactly as sent.
    pub fn event_type(&self) -> &str {
        match (self.known(), self) {
            (Some(e), _) => e.event(),
            (None, PartnerEvent::Unknown { event, .. }) => event,
            (None, _) => "",
        }
    }

    /// Whether the SDK does not know this event.
    pub fn is_unknown(&self) -> bool {
        matches!(self, PartnerEvent::Unknown { .. })
    }

    /// The whole event body, exactly as received.
    pub fn raw(&self) -> &RawJson {
        static EMPTY: OnceLock<RawJson> = OnceLock::new();
        match (self.known(), self) {
            (Some(e), _) => e.raw(),
            (None, PartnerEvent::Unknown { raw, .. }) => raw,
            (None, _) => EMPTY.get_or_init(RawJson::empty),
        }
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
        self.known()
            .and_then(|e| e.typed_data().ok())
            .unwrap_or_else(|| Value::Object(self.data().clone()))
    }

    /// The top-level `id`, when sent.
    pub fn id(&self) -> Option<&str> {
        match self.known() {
            Some(e) => e.id(),
            None => self.raw().value().get("id").and_then(Value::as_str),
        }
    }

    /// The payload's fields: the typed payload of a known event (no JSON
    /// tree is built), the raw `data` object of an unknown one.
    fn fields(&self) -> &dyn Fields {
        match self.known() {
            Some(e) => e.fields(),
            None => self.data(),
        }
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
        self.data_str("channel_id")
            .or_else(|| self.id_of(IdOf::Channel))
    }

    /// The client id: `data.client_id`, `data.client.id`, or `data.id` for `client_created`.
    pub fn client_id(&self) -> Option<&str> {
        self.data_str("client_id")
            .or_else(|| self.nested_str("client", "id"))
            .or_else(|| self.id_of(IdOf::Client))
    }

    /// `data.id` when this event's payload says it names `what`.
    fn id_of(&self, what: IdOf) -> Option<&str> {
        match self.known() {
            Some(e) if e.id_of() == what => self.data_str("id"),
            _ => None,
        }
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
