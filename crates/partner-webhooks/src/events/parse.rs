//! The parser: the envelope in one pass, `data` decoded straight into its
//! typed payload in place when it follows `event` (as 360dialog sends it).

use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess};
use serde_json::Value;
use serde_json::value::RawValue;

use super::model::*;
use crate::lenient::{FromMap, Key, Seed, fill};

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

/// Which variant (and payload type) an `event` value selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    ClientCreated,
    ChannelCreated,
    ChannelSubmitted,
    ChannelReady,
    ChannelRunning,
    ChannelLive,
    AccountViolation,
    AccountRestriction,
    TemplateMessagingEnabled,
    TemplateMessagingDisabled,
    TemplateStatusChanged,
    CancellationRequest,
    CancellationRevoke,
    CancellationProcessed,
    Unknown,
}

impl Kind {
    fn of(event: &str) -> Kind {
        match Kind::exact(event) {
            Kind::Unknown => Kind::exact(&normalize(event)),
            known => known,
        }
    }

    fn exact(event: &str) -> Kind {
        match event {
            "client_created" => Kind::ClientCreated,
            "channel_created" => Kind::ChannelCreated,
            "channel_submitted" => Kind::ChannelSubmitted,
            "channel_ready" => Kind::ChannelReady,
            "channel_running" => Kind::ChannelRunning,
            "channel_live" => Kind::ChannelLive,
            "account_violation" => Kind::AccountViolation,
            "account_restriction" => Kind::AccountRestriction,
            "template_messaging_enabled" => Kind::TemplateMessagingEnabled,
            "template_messaging_disabled" => Kind::TemplateMessagingDisabled,
            "waba_template_status_changed"
            | "template_status_changed"
            | "message_template_status_changed"
            | "message_template_status_update" => Kind::TemplateStatusChanged,
            "cancellation_request" => Kind::CancellationRequest,
            "cancellation_revoke" => Kind::CancellationRevoke,
            "cancellation_processed" => Kind::CancellationProcessed,
            _ => Kind::Unknown,
        }
    }

    /// Reads this kind's payload into a new boxed event (decoded in place);
    /// `None` when the value is not an object.
    fn payload<'de, D: Deserializer<'de>>(self, d: D) -> Result<Option<Payload>, D::Error> {
        fn boxed<'de, D: Deserializer<'de>, T: FromMap>(
            d: D,
        ) -> Result<Option<Box<Event<T>>>, D::Error> {
            let mut event = Event::empty();
            Ok(fill(d, &mut event.data)?.then_some(event))
        }
        Ok(match self {
            Kind::ClientCreated => boxed(d)?.map(Payload::Client),
            Kind::ChannelCreated
            | Kind::ChannelSubmitted
            | Kind::ChannelReady
            | Kind::ChannelRunning
            | Kind::ChannelLive
            | Kind::CancellationRequest
            | Kind::CancellationRevoke
            | Kind::CancellationProcessed => boxed(d)?.map(Payload::Channel),
            Kind::AccountViolation | Kind::AccountRestriction => boxed(d)?.map(Payload::Account),
            Kind::TemplateMessagingEnabled | Kind::TemplateMessagingDisabled => {
                boxed(d)?.map(Payload::TemplateMessaging)
            }
            Kind::TemplateStatusChanged => boxed(d)?.map(Payload::TemplateStatus),
            Kind::Unknown => {
                serde::de::IgnoredAny::deserialize(d)?;
                Some(Payload::None)
            }
        })
    }
}

impl<D: Default> Event<D> {
    /// An event with an empty envelope and a default payload, on the heap,
    /// for the decoder to fill in place.
    fn empty() -> Box<Self> {
        Box::new(Event {
            id: None,
            event: String::new(),
            data: D::default(),
            raw: RawJson::empty(),
        })
    }
}

/// A typed payload, already in the box its variant will hold.
enum Payload {
    Client(Box<Event<ClientData>>),
    Channel(Box<Event<ChannelData>>),
    Account(Box<Event<AccountData>>),
    TemplateMessaging(Box<Event<TemplateMessagingData>>),
    TemplateStatus(Box<Event<TemplateStatusData>>),
    None,
}

struct KindSeed(Kind);

impl<'de> serde::de::DeserializeSeed<'de> for KindSeed {
    type Value = Option<Payload>;
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
    payload: Option<(Kind, Option<Payload>)>,
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
        Some((k, Some(p))) if k == kind => p,
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
) -> Result<Payload, ParseError> {
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
    let payload = kind
        .payload(&mut de)
        .map_err(|e| ParseError::MalformedJson(e.to_string()))?;
    Ok(payload.unwrap_or(Payload::None))
}

fn build(
    kind: Kind,
    id: Option<String>,
    event: String,
    payload: Payload,
    raw: RawJson,
) -> PartnerEvent {
    use Payload as P;
    fn finish<D>(
        mut e: Box<Event<D>>,
        id: Option<String>,
        event: String,
        raw: RawJson,
    ) -> Box<Event<D>> {
        e.id = id;
        e.event = event;
        e.raw = raw;
        e
    }
    macro_rules! ev {
        ($e:expr) => {
            finish($e, id, event, raw)
        };
    }
    match (kind, payload) {
        (Kind::ClientCreated, P::Client(e)) => PartnerEvent::ClientCreated(ev!(e)),
        (Kind::ChannelCreated, P::Channel(e)) => PartnerEvent::ChannelCreated(ev!(e)),
        (Kind::ChannelSubmitted, P::Channel(e)) => PartnerEvent::ChannelSubmitted(ev!(e)),
        (Kind::ChannelReady, P::Channel(e)) => PartnerEvent::ChannelReady(ev!(e)),
        (Kind::ChannelRunning, P::Channel(e)) => PartnerEvent::ChannelRunning(ev!(e)),
        (Kind::ChannelLive, P::Channel(e)) => PartnerEvent::ChannelLive(ev!(e)),
        (Kind::CancellationRequest, P::Channel(e)) => PartnerEvent::CancellationRequest(ev!(e)),
        (Kind::CancellationRevoke, P::Channel(e)) => PartnerEvent::CancellationRevoke(ev!(e)),
        (Kind::CancellationProcessed, P::Channel(e)) => PartnerEvent::CancellationProcessed(ev!(e)),
        (Kind::AccountViolation, P::Account(e)) => PartnerEvent::AccountViolation(ev!(e)),
        (Kind::AccountRestriction, P::Account(e)) => PartnerEvent::AccountRestriction(ev!(e)),
        (Kind::TemplateMessagingEnabled, P::TemplateMessaging(e)) => {
            PartnerEvent::TemplateMessagingEnabled(ev!(e))
        }
        (Kind::TemplateMessagingDisabled, P::TemplateMessaging(e)) => {
            PartnerEvent::TemplateMessagingDisabled(ev!(e))
        }
        (Kind::TemplateStatusChanged, P::TemplateStatus(e)) => {
            PartnerEvent::TemplateStatusChanged(ev!(e))
        }
        (Kind::Unknown, _) => PartnerEvent::Unknown { event, raw },
        // A known kind whose payload could not be read at all: typed with
        // every field absent (the raw body still has everything).
        (Kind::ClientCreated, _) => build(kind, id, event, P::Client(Event::empty()), raw),
        (Kind::AccountViolation | Kind::AccountRestriction, _) => {
            build(kind, id, event, P::Account(Event::empty()), raw)
        }
        (Kind::TemplateMessagingEnabled | Kind::TemplateMessagingDisabled, _) => {
            build(kind, id, event, P::TemplateMessaging(Event::empty()), raw)
        }
        (Kind::TemplateStatusChanged, _) => {
            build(kind, id, event, P::TemplateStatus(Event::empty()), raw)
        }
        (_, _) => build(kind, id, event, P::Channel(Event::empty()), raw),
    }
}
