//! The parser: the envelope in one pass, `data` decoded straight into its
//! typed payload in place when it follows `event` (as 360dialog sends it).

use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess};
use serde_json::Value;
use serde_json::value::RawValue;

use super::model::*;
use crate::lenient::{Key, Seed};

/// Why a body is not an event (the verifier maps these to its error kinds).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// Not JSON at all (or not UTF-8).
    #[error("the body is not valid JSON: {0}")]
    MalformedJson(String),
    /// JSON, but not an object.
    #[error("the body is JSON but not an object")]
    NotAnObject,
    /// An object without a string `event` field.
    #[error("the body has no string \"event\" field")]
    MissingEventField,
}

/// `channelCreated` / `Channel-Created` / `CHANNEL_CREATED` → `channel_created`.
fn normalize(event: &str) -> String {
    let mut out = String::with_capacity(event.len() + 4);
    let mut prev_lower = false;
    for c in event.trim().chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(match c {
            '-' | ' ' | '.' => '_',
            c => c.to_ascii_lowercase(),
        });
    }
    out
}

impl Kind {
    /// The kind an `event` value selects: as listed, else normalized.
    fn of(event: &str) -> Kind {
        match Kind::exact(event) {
            Kind::Unknown => Kind::exact(&normalize(event)),
            known => known,
        }
    }
}

struct KindSeed(Kind);

impl<'de> serde::de::DeserializeSeed<'de> for KindSeed {
    type Value = Option<PartnerEvent>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.payload(d)
    }
}

/// The envelope, read in one pass. When `event` comes before `data` (as
/// 360dialog sends it), `data` is decoded into its type in the same pass;
/// otherwise it is kept raw and decoded afterwards.
struct Head<'a> {
    event: Option<String>,
    id: Option<String>,
    payload: Option<(Kind, Option<PartnerEvent>)>,
    raw_data: Option<&'a RawValue>,
}

impl<'de> Deserialize<'de> for Head<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Head<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Head<'de>, A::Error> {
                let mut head = Head {
                    event: None,
                    id: None,
                    payload: None,
                    raw_data: None,
                };
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    match key.as_ref() {
                        "event" => head.event = map.next_value_seed(Seed::<String>::new())?,
                        "id" => {
                            head.id = match map.next_value_seed(Seed::<Value>::new())? {
                                Some(Value::String(s)) => Some(s),
                                Some(Value::Number(n)) => Some(n.to_string()),
                                _ => None,
                            }
                        }
                        "data" => match &head.event {
                            Some(event) => {
                                let kind = Kind::of(event);
                                head.payload = Some((kind, map.next_value_seed(KindSeed(kind))?));
                            }
                            None => head.raw_data = Some(map.next_value()?),
                        },
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(head)
            }
        }
        d.deserialize_map(V)
    }
}

/// Parses an event body (the raw bytes, never re-serialized) without verifying it.
/// Use [`WebhookVerifier`](crate::verifier::WebhookVerifier) for requests from the network.
///
/// ```
/// use partner_webhooks::{PartnerEvent, parse_event};
///
/// let event = parse_event(br#"{"event":"channel_live","data":{"id":"c1","status":"live"}}"#)?;
/// assert!(matches!(event, PartnerEvent::ChannelLive(_)));
/// // Unknown kinds are kept whole, never an error.
/// let other = parse_event(br#"{"event":"partner_renamed","data":{}}"#)?;
/// assert_eq!((other.event_type(), other.known_type()), ("partner_renamed", None));
/// assert!(parse_event(b"not json").is_err());
/// # Ok::<(), partner_webhooks::events::ParseError>(())
/// ```
pub fn parse_event(body: &[u8]) -> Result<PartnerEvent, ParseError> {
    let text = std::str::from_utf8(body).map_err(|e| ParseError::MalformedJson(e.to_string()))?;
    if !text.trim_start().starts_with('{') {
        return Err(match serde_json::from_str::<serde::de::IgnoredAny>(text) {
            Ok(_) => ParseError::NotAnObject,
            Err(e) => ParseError::MalformedJson(e.to_string()),
        });
    }
    let head: Head<'_> =
        serde_json::from_str(text).map_err(|e| ParseError::MalformedJson(e.to_string()))?;
    let event = head.event.ok_or(ParseError::MissingEventField)?;
    let kind = Kind::of(&event);
    let payload = match head.payload {
        Some((k, Some(p))) if k == kind => Some(p),
        _ => slow_payload(kind, text, head.raw_data)?,
    };
    Ok(build(kind, head.id, event, payload, RawJson::new(text)))
}

/// The payload when it could not be decoded in the first pass: `data`
/// arrived before `event`, `data` is not an object (then the top level is
/// the payload), or `event` was repeated.
fn slow_payload(
    kind: Kind,
    text: &str,
    raw_data: Option<&RawValue>,
) -> Result<Option<PartnerEvent>, ParseError> {
    let data_text = match raw_data {
        Some(d) if d.get().trim_start().starts_with('{') => d.get().to_string(),
        Some(_) => text.to_string(),
        None => {
            let v: Value =
                serde_json::from_str(text).map_err(|e| ParseError::MalformedJson(e.to_string()))?;
            match v.get("data") {
                Some(d @ Value::Object(_)) => d.to_string(),
                _ => text.to_string(),
            }
        }
    };
    let mut de = serde_json::Deserializer::from_str(&data_text);
    kind.payload(&mut de)
        .map_err(|e| ParseError::MalformedJson(e.to_string()))
}

/// The event of `kind` with its envelope: the decoded payload, or, for a
/// known kind whose payload could not be read at all, one with every field
/// absent (the raw body still has everything).
fn build(
    kind: Kind,
    id: Option<String>,
    event: String,
    payload: Option<PartnerEvent>,
    raw: RawJson,
) -> PartnerEvent {
    match payload.or_else(|| kind.empty()) {
        Some(mut known) => {
            if let Some(e) = known.known_mut() {
                e.set_envelope(id, event, raw);
            }
            known
        }
        None => PartnerEvent::Unknown { event, raw },
    }
}
