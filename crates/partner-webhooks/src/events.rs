//! Typed partner webhook events.
//!
//! 360dialog publishes event names but no official payload samples (see the
//! domain notes), so everything here is tolerant: every payload field is
//! optional, a field of an unexpected type reads as `None` instead of failing,
//! unknown fields stay in `extra`, status values are open enums, events the
//! SDK does not know parse as [`PartnerEvent::Unknown`], and the raw JSON is
//! kept on every variant.
//!
//! ```
//! use partner_webhooks::events::{parse_event, PartnerEvent, ChannelStatus};
//! let body = br#"{"event":"channel_created","data":{"id":"exampleCH","status":"created",
//!                 "setup_info":{"phone_number":"+4915123456789"}}}"#;
//! let event = parse_event(body).unwrap();
//! assert_eq!(event.event_type(), "channel_created");
//! assert_eq!(event.phone_number(), Some("+4915123456789"));
//! match &event {
//!     PartnerEvent::ChannelCreated(e) => assert_eq!(e.data.status, Some(ChannelStatus::Created)),
//!     other => panic!("unexpected {other:?}"),
//! }
//! ```

use std::fmt;
use std::sync::OnceLock;

use serde::de::{Deserializer, MapAccess};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::fields::{FieldValue, Fields, str_field_values};
use crate::lenient::{FromMap, Key, Lenient, Seed, SeedInto, fill, fill_slot, lenient_via_str};
use crate::models::Extra;
use crate::open_enum;

open_enum! {
    /// A channel's `status` (documented values, plus those implied by event names).
    pub enum ChannelStatus {
        /// Onboarding started.
        Created => "created",
        /// Submitted to Meta, display name not yet verified.
        Unverified => "unverified",
        /// Display name verified.
        Verified => "verified",
        /// The number is ready to be registered.
        Ready => "ready",
        /// The number is running.
        Running => "running",
        /// The channel is live.
        Live => "live",
        /// Modified.
        Modified => "modified",
        /// Imported.
        Imported => "imported",
        /// A new display name was requested.
        NewNameRequested => "new_name_requested",
        /// The certificate was declined.
        CertificateDeclined => "certificate_declined",
        /// Consents were signed.
        ConsentsSigned => "consents_signed",
        /// Error.
        Error => "error",
        /// Ready to be ported.
        PortingReady => "porting_ready",
        /// Ready for migration.
        ReadyForMigration => "ready_for_migration",
        /// Waiting for the migration code.
        WaitingForMigrationCode => "waiting_for_migration_code",
        /// Migration code requested.
        MigrationCodeRequested => "migration_code_requested",
    }
}

open_enum! {
    /// `waba_account.fb_account_status`: Meta business verification.
    pub enum FbAccountStatus {
        /// Verified.
        Verified => "verified",
        /// Not verified.
        NotVerified => "not_verified",
        /// Rejected.
        Rejected => "rejected",
        /// Pending submission.
        PendingSubmission => "pending_submission",
        /// Failed.
        Failed => "failed",
        /// Pending.
        Pending => "pending",
        /// Pending, more information needed.
        PendingNeedMoreInfo => "pending_need_more_info",
    }
}

open_enum! {
    /// `account_mode` of a channel.
    pub enum AccountMode {
        /// Sandbox.
        Sandbox => "sandbox",
        /// Live.
        Live => "live",
    }
}

open_enum! {
    /// A WABA account's `status`.
    pub enum WabaStatus {
        /// Created.
        Created => "created",
        /// Consents pending.
        ConsentsPending => "consents_pending",
        /// Unverified.
        Unverified => "unverified",
        /// Pending (deprecated).
        Pending => "pending",
        /// Approved.
        Approved => "approved",
        /// Imported (deprecated).
        Imported => "imported",
        /// Sandbox (deprecated).
        Sandbox => "sandbox",
        /// Verification failed (deprecated).
        VerificationFailed => "verification_failed",
        /// Account violation.
        AccountViolation => "account_violation",
        /// Account restriction.
        AccountRestriction => "account_restriction",
        /// Account banned.
        AccountBanned => "account_banned",
        /// Modified (deprecated).
        Modified => "modified",
        /// Error (deprecated).
        Error => "error",
        /// Removed from the BSP.
        BspRemoved => "bsp_removed",
    }
}

lenient_via_str!(ChannelStatus, FbAccountStatus, AccountMode, WabaStatus);
str_field_values!(ChannelStatus, FbAccountStatus, AccountMode, WabaStatus);

/// Declares a payload struct whose fields are all optional and read
/// leniently (see `lenient.rs`), with unknown fields kept in `extra`.
macro_rules! payload {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize)]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
            /// Fields this SDK does not model.
            #[serde(flatten)]
            pub extra: Extra,
        }

        impl FromMap for $name {
            fn fill_from_map<'de, A: MapAccess<'de>>(&mut self, mut map: A) -> Result<(), A::Error> {
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    match key.as_ref() {
                        $( stringify!($field) => map.next_value_seed(SeedInto(&mut self.$field))?, )*
                        _ => {
                            let v: Value = map.next_value()?;
                            self.extra.insert(key.into_owned(), v);
                        }
                    }
                }
                Ok(())
            }
        }

        impl Fields for $name {
            fn str_field(&self, key: &str) -> Option<&str> {
                match key {
                    $( stringify!($field) => self.$field.as_ref().and_then(FieldValue::as_str_field), )*
                    _ => self.extra.str_field(key),
                }
            }
            fn object_field(&self, key: &str) -> Option<&dyn Fields> {
                match key {
                    $( stringify!($field) => self.$field.as_ref().and_then(FieldValue::as_object_field), )*
                    _ => self.extra.object_field(key),
                }
            }
        }

        impl FieldValue for $name {
            fn as_object_field(&self) -> Option<&dyn Fields> {
                Some(self)
            }
        }

        impl Lenient for $name {
            fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
                let mut value = Self::default();
                Ok(fill(d, &mut value)?.then_some(value))
            }
            fn lenient_into<'de, D: Deserializer<'de>>(d: D, slot: &mut Option<Self>) -> Result<(), D::Error> {
                fill_slot(d, slot)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok(<$name as Lenient>::lenient(d)?.unwrap_or_default())
            }
        }
    };
}

payload! {
    /// The client a channel belongs to.
    pub struct ClientRef {
        /// Client id (ends in `CL`).
        id: String,
        /// Client name.
        name: String,
        /// What the partner passed at onboarding.
        partner_payload: Value,
        /// Contact information.
        contact_info: Value,
    }
}

payload! {
    /// `setup_info` of a channel.
    pub struct SetupInfo {
        /// The phone number.
        phone_number: String,
        /// The display name.
        phone_name: String,
    }
}

payload! {
    /// The WABA account of a channel.
    pub struct WabaAccount {
        /// WABA id (ends in `WA`).
        id: String,
        /// Meta's numeric WABA id.
        external_id: String,
        /// Meta business verification status.
        fb_account_status: FbAccountStatus,
        /// WABA status.
        status: WabaStatus,
        /// The business on whose behalf the WABA acts.
        on_behalf_of_business_info: Value,
    }
}

payload! {
    /// `integration` of a channel.
    pub struct Integration {
        /// Whether the integration is enabled.
        enabled: bool,
        /// The integration app id.
        app_id: String,
        /// Its state, e.g. `running`.
        state: String,
    }
}

payload! {
    /// `data` of the channel events (`channel_*`, `cancellation_*`): the channel object.
    pub struct ChannelData {
        /// Channel id (ends in `CH`).
        id: String,
        /// Client id.
        client_id: String,
        /// The client.
        client: ClientRef,
        /// Channel status.
        status: ChannelStatus,
        /// Sandbox or live.
        account_mode: AccountMode,
        /// Creation time (as sent, e.g. `2023-01-01T12:00:00Z`).
        created_at: String,
        /// Last modification time.
        modified_at: String,
        /// When billing started.
        billing_started_at: String,
        /// When the channel was terminated.
        terminated_at: String,
        /// Phone number and display name.
        setup_info: SetupInfo,
        /// The WABA account.
        waba_account: WabaAccount,
        /// Integration settings.
        integration: Integration,
        /// Phone number, when sent at the top of `data`.
        phone_number: String,
        /// Display name, when sent at the top of `data`.
        phone_name: String,
    }
}

payload! {
    /// `data` of `client_created`: the client object.
    pub struct ClientData {
        /// Client id (ends in `CL`).
        id: String,
        /// Client name.
        name: String,
        /// Client status, e.g. `active`.
        status: String,
        /// The partner it belongs to.
        partner_id: String,
        /// What the partner passed at onboarding.
        partner_payload: Value,
        /// Creation time.
        created_at: String,
        /// Last modification time.
        modified_at: String,
    }
}

payload! {
    /// One restriction of an `account_restriction` event.
    pub struct Restriction {
        /// The kind of restriction.
        restriction_type: String,
        /// When it ends.
        expiration: String,
    }
}

payload! {
    /// `data` of `account_violation` and `account_restriction`.
    pub struct AccountData {
        /// The affected phone number.
        phone_number: String,
        /// Why.
        violation_type: String,
        /// The restrictions applied.
        restrictions: Vec<Restriction>,
        /// The WABA account id.
        waba_account_id: String,
        /// The channel id.
        channel_id: String,
    }
}

payload! {
    /// `data` of `template_messaging_enabled` / `_disabled` (payload undocumented).
    pub struct TemplateMessagingData {
        /// The channel id.
        channel_id: String,
        /// The WABA account id.
        waba_account_id: String,
        /// The phone number.
        phone_number: String,
    }
}

payload! {
    /// `data` of the template-status-changed event (payload undocumented).
    pub struct TemplateStatusData {
        /// The WABA account id.
        waba_account_id: String,
        /// Template name.
        name: String,
        /// Template language.
        language: String,
        /// New status, e.g. `approved`.
        status: String,
        /// Why, when rejected.
        reason: String,
    }
}

/// The body of an event exactly as received, with its JSON tree built on
/// first use.
#[derive(Clone)]
pub struct RawJson {
    text: Box<str>,
    value: OnceLock<Value>,
}

impl RawJson {
    /// No body yet (allocates nothing); set before the event is returned.
    fn empty() -> Self {
        RawJson {
            text: Box::from(""),
            value: OnceLock::new(),
        }
    }

    fn new(text: &str) -> Self {
        RawJson {
            text: text.into(),
            value: OnceLock::new(),
        }
    }

    /// The body text, byte for byte.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The body as a JSON tree (parsed once, then cached).
    pub fn value(&self) -> &Value {
        self.value
            .get_or_init(|| serde_json::from_str(&self.text).unwrap_or(Value::Null))
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RawJson").field(&self.text).finish()
    }
}

/// One event: the envelope, the typed `data`, and the whole body.
#[derive(Debug, Clone, PartialEq)]
pub struct Event<D> {
    /// The top-level `id`, when sent.
    pub id: Option<String>,
    /// The `event` value exactly as sent.
    pub event: String,
    /// The typed payload (`data`, or the top level when there is no `data` object).
    pub data: D,
    /// The whole event body.
    pub raw: RawJson,
}

/// A partner webhook event, by its `event` value. Each known variant boxes
/// its [`Event`], so the enum stays small to move around.
///
/// Known values are matched ignoring case and `camelCase` vs `snake_case`
/// (`channelCreated` is `channel_created`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PartnerEvent {
    /// `client_created`: a client registered under the partner hub.
    ClientCreated(Box<Event<ClientData>>),
    /// `channel_created`: the first event after a client finishes signup.
    ChannelCreated(Box<Event<ChannelData>>),
    /// `channel_submitted`: the channel was submitted to Meta.
    ChannelSubmitted(Box<Event<ChannelData>>),
    /// `channel_ready`: the number is ready to be registered.
    ChannelReady(Box<Event<ChannelData>>),
    /// `channel_running`: the number is running.
    ChannelRunning(Box<Event<ChannelData>>),
    /// `channel_live`: the channel went live.
    ChannelLive(Box<Event<ChannelData>>),
    /// `account_violation`.
    AccountViolation(Box<Event<AccountData>>),
    /// `account_restriction`.
    AccountRestriction(Box<Event<AccountData>>),
    /// `template_messaging_enabled`.
    TemplateMessagingEnabled(Box<Event<TemplateMessagingData>>),
    /// `template_messaging_disabled`.
    TemplateMessagingDisabled(Box<Event<TemplateMessagingData>>),
    /// A message template's status changed (`waba_template_status_changed`,
    /// `template_status_changed`, `message_template_status_changed` or
    /// `message_template_status_update`).
    TemplateStatusChanged(Box<Event<TemplateStatusData>>),
    /// `cancellation_request`.
    CancellationRequest(Box<Event<ChannelData>>),
    /// `cancellation_revoke`.
    CancellationRevoke(Box<Event<ChannelData>>),
    /// `cancellation_processed`.
    CancellationProcessed(Box<Event<ChannelData>>),
    /// Any other `event` value, kept whole.
    Unknown {
        /// The `event` value as sent.
        event: String,
        /// The whole event body.
        raw: RawJson,
    },
}

/// The canonical names of the known events, in the order of [`PartnerEvent`].
pub const KNOWN_EVENTS: &[&str] = &[
    "client_created",
    "channel_created",
    "channel_submitted",
    "channel_ready",
    "channel_running",
    "channel_live",
    "account_violation",
    "account_restriction",
    "template_messaging_enabled",
    "template_messaging_disabled",
    "waba_template_status_changed",
    "cancellation_request",
    "cancellation_revoke",
    "cancellation_processed",
];

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> PartnerEvent {
        parse_event(v.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn every_known_event_has_its_variant_and_canonical_name() {
        for name in KNOWN_EVENTS {
            let e = parse(json!({"event": name, "data": {}}));
            assert_eq!(e.known_type(), Some(*name), "{name}");
            assert_eq!(e.event_type(), *name);
        }
    }

    #[test]
    fn spellings_are_normalized_but_kept() {
        for spelling in [
            "channelCreated",
            "CHANNEL_CREATED",
            "Channel-Created",
            " channel_created ",
        ] {
            let e = parse(json!({"event": spelling}));
            assert_eq!(e.known_type(), Some("channel_created"), "{spelling}");
            assert_eq!(e.event_type(), spelling);
        }
        for spelling in [
            "wabaTemplateStatusChanged",
            "template_status_changed",
            "message_template_status_update",
        ] {
            assert_eq!(
                parse(json!({"event": spelling})).known_type(),
                Some("waba_template_status_changed")
            );
        }
    }

    #[test]
    fn unknown_events_keep_everything() {
        let body = json!({"event": "partner_change_requested", "data": {"x": [1, 2]}, "id": 7});
        let e = parse(body.clone());
        assert!(e.is_unknown());
        assert_eq!(e.event_type(), "partner_change_requested");
        assert_eq!(e.raw().value(), &body);
        assert_eq!(e.data()["x"], json!([1, 2]));
    }

    #[test]
    fn fields_of_the_wrong_type_read_as_none_without_losing_the_rest() {
        let e = parse(json!({"event": "channel_live", "data": {
            "id": "exampleCH", "status": 5, "account_mode": "turbo",
            "setup_info": {"phone_number": ["not", "a", "string"], "phone_name": "Shop"},
            "waba_account": {"fb_account_status": "brand_new_status"}}}));
        let PartnerEvent::ChannelLive(ev) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(ev.data.id.as_deref(), Some("exampleCH"));
        assert_eq!(ev.data.status, None);
        assert_eq!(
            ev.data.account_mode,
            Some(AccountMode::Unknown("turbo".into()))
        );
        let setup = ev.data.setup_info.as_ref().unwrap();
        assert_eq!(setup.phone_number, None);
        assert_eq!(setup.phone_name.as_deref(), Some("Shop"));
        assert_eq!(
            ev.data.waba_account.as_ref().unwrap().fb_account_status,
            Some(FbAccountStatus::Unknown("brand_new_status".into()))
        );
        assert_eq!(e.phone_number(), None);
        assert_eq!(e.phone_name(), Some("Shop"));
    }

    #[test]
    fn accessors_look_at_the_top_and_under_setup_info() {
        let top = parse(
            json!({"event": "account_violation", "data": {"phone_number": "+1", "violation_type": "SPAM"}}),
        );
        assert_eq!(top.phone_number(), Some("+1"));
        let nested = parse(
            json!({"event": "channel_ready", "data": {"id": "c", "client": {"id": "cl"},
            "setup_info": {"phone_number": "+2", "phone_name": "N"}}}),
        );
        assert_eq!(
            (nested.phone_number(), nested.phone_name()),
            (Some("+2"), Some("N"))
        );
        assert_eq!(
            (nested.channel_id(), nested.client_id()),
            (Some("c"), Some("cl"))
        );
        // No data wrapper: the top level is the payload.
        let flat =
            parse(json!({"event": "client_created", "id": "x", "name": "Co", "status": "active"}));
        let PartnerEvent::ClientCreated(ev) = &flat else {
            panic!()
        };
        assert_eq!(ev.data.name.as_deref(), Some("Co"));
        assert_eq!(flat.client_id(), Some("x"));
        assert_eq!(flat.status(), Some("active"));
    }

    #[test]
    fn data_before_event_and_repeated_event_still_type_the_payload() {
        let late =
            parse_event(br#"{"data":{"id":"c9","status":"live"},"event":"channel_live"}"#).unwrap();
        let PartnerEvent::ChannelLive(ev) = &late else {
            panic!("{late:?}")
        };
        assert_eq!(
            (ev.data.id.as_deref(), ev.data.status.clone()),
            (Some("c9"), Some(ChannelStatus::Live))
        );
        let twice = parse_event(
            br#"{"event":"channel_live","data":{"phone_number":"+1"},"event":"account_violation"}"#,
        )
        .unwrap();
        let PartnerEvent::AccountViolation(ev) = &twice else {
            panic!("{twice:?}")
        };
        assert_eq!(ev.data.phone_number.as_deref(), Some("+1"));
        let not_object =
            parse_event(br#"{"event":"channel_ready","data":[1],"id":3,"status":"ready"}"#)
                .unwrap();
        let PartnerEvent::ChannelReady(ev) = &not_object else {
            panic!()
        };
        assert_eq!(
            (ev.id.as_deref(), ev.data.status.clone()),
            (Some("3"), Some(ChannelStatus::Ready))
        );
    }

    #[test]
    fn raw_is_the_body_byte_for_byte() {
        let body = "{ \"event\" : \"x\",\n \"data\": {\"ü\": 1.50} }";
        let e = parse_event(body.as_bytes()).unwrap();
        assert_eq!(e.raw().as_str(), body);
        assert_eq!(e.data()["ü"], json!(1.5));
    }

    #[test]
    fn parse_errors() {
        assert!(matches!(
            parse_event(b"{"),
            Err(ParseError::MalformedJson(_))
        ));
        assert_eq!(parse_event(b"[1]"), Err(ParseError::NotAnObject));
        assert_eq!(
            parse_event(b"{\"data\":{}}"),
            Err(ParseError::MissingEventField)
        );
        assert_eq!(
            parse_event(b"{\"event\":5}"),
            Err(ParseError::MissingEventField)
        );
    }

    #[test]
    fn dedup_key_prefers_the_id() {
        assert_eq!(
            parse(json!({"event": "channel_live", "id": "e1"})).dedup_key(),
            "channel_live:e1"
        );
        assert_eq!(
            parse(json!({"event": "channel_live", "data": {"id": "c1", "status": "live"}}))
                .dedup_key(),
            "channel_live:c1:live"
        );
    }
}
