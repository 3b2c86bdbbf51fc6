//! The event payload types and [`PartnerEvent`] (tolerant by construction:
//! see the module docs of `events`).

use std::fmt;
use std::sync::OnceLock;

use serde::de::{Deserializer, MapAccess};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::fields::{FieldValue, Fields, str_field_values};
use crate::lenient::{FromMap, Key, Lenient, SeedInto, fill, fill_slot, lenient_via_str};
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

open_enum! {
    /// A message template's `status`, lower-case as 360dialog sends it (the
    /// values are Meta's template statuses; the list is not documented for
    /// this webhook, so anything else is kept as `Unknown`).
    pub enum TemplateStatus {
        /// Submitted, not yet reviewed.
        Submitted => "submitted",
        /// Under review.
        Pending => "pending",
        /// Approved: the template can be sent.
        Approved => "approved",
        /// Rejected (see `rejected_reason`).
        Rejected => "rejected",
        /// Flagged for low quality.
        Flagged => "flagged",
        /// Paused for low quality.
        Paused => "paused",
        /// Disabled.
        Disabled => "disabled",
        /// An appeal is under review.
        InAppeal => "in_appeal",
        /// Reinstated after an appeal or a pause.
        Reinstated => "reinstated",
        /// Deletion requested.
        PendingDeletion => "pending_deletion",
        /// Deleted.
        Deleted => "deleted",
        /// The WABA's template limit was exceeded.
        LimitExceeded => "limit_exceeded",
        /// Archived.
        Archived => "archived",
    }
}

lenient_via_str!(
    ChannelStatus,
    FbAccountStatus,
    AccountMode,
    WabaStatus,
    TemplateStatus
);
str_field_values!(
    ChannelStatus,
    FbAccountStatus,
    AccountMode,
    WabaStatus,
    TemplateStatus
);

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
    /// `data` of the template-status-changed event: the template object
    /// (fields as 360dialog's template objects carry them).
    pub struct TemplateStatusData {
        /// 360dialog's template id.
        id: String,
        /// Meta's template id.
        external_id: String,
        /// The WABA account id.
        waba_account_id: String,
        /// The partner id.
        partner_id: String,
        /// Template name.
        name: String,
        /// Template language, e.g. `en`.
        language: String,
        /// `MARKETING`, `UTILITY` or `AUTHENTICATION`, as sent.
        category: String,
        /// The WABA's template namespace.
        namespace: String,
        /// New status, lower-case, e.g. `approved`.
        status: TemplateStatus,
        /// Why Meta rejected it, e.g. `INVALID_FORMAT` (when rejected).
        rejected_reason: String,
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
    pub(super) fn empty() -> Self {
        RawJson {
            text: Box::from(""),
            value: OnceLock::new(),
        }
    }

    pub(super) fn new(text: &str) -> Self {
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

/// Calls `$callback!` with every known event, each declared once, here: its
/// doc comment, its variant of [`PartnerEvent`] (and the Python class that
/// stands for it), its payload type, its canonical name and the other names
/// 360dialog is seen to send for it. This crate makes [`PartnerEvent`],
/// [`KNOWN_EVENTS`] and the parser's table of names from it; the Python and
/// uniffi bindings make their event classes and payload cases from it too.
///
/// An entry: `Variant (PythonClass): PayloadType = "name" | "alias" ...;`, its
/// doc comment written as `#[doc = "..."]`.
#[macro_export]
macro_rules! for_each_event {
    ($callback:ident) => {
        $callback! {
            #[doc = "`client_created`: a client registered under the partner hub."]
            ClientCreated (ClientCreatedEvent): ClientData = "client_created";
            #[doc = "`channel_created`: the first event after a client finishes signup."]
            ChannelCreated (ChannelCreatedEvent): ChannelData = "channel_created";
            #[doc = "`channel_submitted`: the channel was submitted to Meta."]
            ChannelSubmitted (ChannelSubmittedEvent): ChannelData = "channel_submitted";
            #[doc = "`channel_ready`: the number is ready to be registered."]
            ChannelReady (ChannelReadyEvent): ChannelData = "channel_ready";
            #[doc = "`channel_running`: the number is running."]
            ChannelRunning (ChannelRunningEvent): ChannelData = "channel_running";
            #[doc = "`channel_live`: the channel went live."]
            ChannelLive (ChannelLiveEvent): ChannelData = "channel_live";
            #[doc = "`account_violation`."]
            AccountViolation (AccountViolationEvent): AccountData = "account_violation";
            #[doc = "`account_restriction`."]
            AccountRestriction (AccountRestrictionEvent): AccountData = "account_restriction";
            #[doc = "`template_messaging_enabled`."]
            TemplateMessagingEnabled (TemplateMessagingEnabledEvent): TemplateMessagingData = "template_messaging_enabled";
            #[doc = "`template_messaging_disabled`."]
            TemplateMessagingDisabled (TemplateMessagingDisabledEvent): TemplateMessagingData = "template_messaging_disabled";
            #[doc = "A message template's status changed (`waba_template_status_changed`,"]
            #[doc = "`template_status_changed`, `message_template_status_changed` or"]
            #[doc = "`message_template_status_update`)."]
            TemplateStatusChanged (TemplateStatusChangedEvent): TemplateStatusData = "waba_template_status_changed"
                | "template_status_changed" | "message_template_status_changed" | "message_template_status_update";
            #[doc = "`cancellation_request`."]
            CancellationRequest (CancellationRequestEvent): ChannelData = "cancellation_request";
            #[doc = "`cancellation_revoke`."]
            CancellationRevoke (CancellationRevokeEvent): ChannelData = "cancellation_revoke";
            #[doc = "`cancellation_processed`."]
            CancellationProcessed (CancellationProcessedEvent): ChannelData = "cancellation_processed";
        }
    };
}

/// Makes [`PartnerEvent`], [`KNOWN_EVENTS`], the payload dispatch and the
/// parser's table of names from [`for_each_event!`].
macro_rules! declare_events {
    ($( $(#[$attr:meta])* $variant:ident ($class:ident): $data:ident = $name:literal $(| $alias:literal)*; )*) => {
        /// A partner webhook event, by its `event` value. Each known variant boxes
        /// its [`Event`], so the enum stays small to move around.
        ///
        /// Known values are matched ignoring case and `camelCase` vs `snake_case`
        /// (`channelCreated` is `channel_created`).
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum PartnerEvent {
            $( $(#[$attr])* $variant(Box<Event<$data>>), )*
            /// Any other `event` value, kept whole.
            Unknown {
                /// The `event` value as sent.
                event: String,
                /// The whole event body.
                raw: RawJson,
            },
        }

        /// The canonical names of the known events, in the order of [`PartnerEvent`].
        pub const KNOWN_EVENTS: &[&str] = &[$($name),*];

        /// Every known event as data, in the order of [`PartnerEvent`]: what the
        /// bindings' tests check their lists against.
        pub const EVENTS: &[EventSpec] = &[$(EventSpec {
            name: $name,
            aliases: &[$($alias),*],
            variant: stringify!($variant),
            python_class: stringify!($class),
            payload: stringify!($data),
        }),*];

        impl PartnerEvent {
            /// The known event inside, whatever its payload type.
            pub(crate) fn known(&self) -> Option<&dyn AnyEvent> {
                match self {
                    $( PartnerEvent::$variant(e) => Some(&**e), )*
                    PartnerEvent::Unknown { .. } => None,
                }
            }

            /// The known event inside, to fill its envelope.
            pub(crate) fn known_mut(&mut self) -> Option<&mut dyn AnyEvent> {
                match self {
                    $( PartnerEvent::$variant(e) => Some(&mut **e), )*
                    PartnerEvent::Unknown { .. } => None,
                }
            }

            /// The canonical name of a known event (`"channel_created"`, ...), or
            /// `None` for [`Unknown`](PartnerEvent::Unknown).
            pub fn known_type(&self) -> Option<&'static str> {
                match self {
                    $( PartnerEvent::$variant(_) => Some($name), )*
                    PartnerEvent::Unknown { .. } => None,
                }
            }
        }

        /// Which known event an `event` value names, spelled exactly as listed.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Kind {
            $( $variant, )*
            Unknown,
        }

        impl Kind {
            pub(crate) fn exact(event: &str) -> Kind {
                match event {
                    $( $name $(| $alias)* => Kind::$variant, )*
                    _ => Kind::Unknown,
                }
            }

            /// Reads this kind's payload into a new boxed event (decoded in
            /// place); `None` when the value is not an object (an unknown
            /// kind's value is skipped).
            pub(crate) fn payload<'de, D: Deserializer<'de>>(self, d: D) -> Result<Option<PartnerEvent>, D::Error> {
                Ok(match self {
                    $( Kind::$variant => boxed::<D, $data>(d)?.map(PartnerEvent::$variant), )*
                    Kind::Unknown => {
                        serde::de::IgnoredAny::deserialize(d)?;
                        None
                    }
                })
            }

            /// A known kind's event with every field absent.
            pub(crate) fn empty(self) -> Option<PartnerEvent> {
                match self {
                    $( Kind::$variant => Some(PartnerEvent::$variant(Event::empty())), )*
                    Kind::Unknown => None,
                }
            }
        }
    };
}

crate::for_each_event!(declare_events);

/// One known event, described as data (see [`EVENTS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EventSpec {
    /// The canonical name (`channel_live`).
    pub name: &'static str,
    /// Other names 360dialog sends for it.
    pub aliases: &'static [&'static str],
    /// Its variant of [`PartnerEvent`] (`ChannelLive`).
    pub variant: &'static str,
    /// Its class in Python (`ChannelLiveEvent`).
    pub python_class: &'static str,
    /// Its payload type (`ChannelData`).
    pub payload: &'static str,
}

fn boxed<'de, D: Deserializer<'de>, T: FromMap + Default>(
    d: D,
) -> Result<Option<Box<Event<T>>>, D::Error> {
    let mut event = Event::empty();
    Ok(fill(d, &mut event.data)?.then_some(event))
}

impl<D: Default> Event<D> {
    /// An event with an empty envelope and a default payload, on the heap,
    /// for the decoder to fill in place.
    pub(crate) fn empty() -> Box<Self> {
        Box::new(Event {
            id: None,
            event: String::new(),
            data: D::default(),
            raw: RawJson::empty(),
        })
    }
}

/// What a payload's own `id` names (the accessors read `data.id` as a
/// channel or client id from it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdOf {
    Channel,
    Client,
    Other,
}

/// What every payload type offers the accessors.
pub(crate) trait Payload: Fields + Serialize {
    /// What `data.id` names for this payload.
    const ID_OF: IdOf;
}

impl Payload for ChannelData {
    const ID_OF: IdOf = IdOf::Channel;
}
impl Payload for ClientData {
    const ID_OF: IdOf = IdOf::Client;
}
impl Payload for AccountData {
    const ID_OF: IdOf = IdOf::Other;
}
impl Payload for TemplateMessagingData {
    const ID_OF: IdOf = IdOf::Other;
}
impl Payload for TemplateStatusData {
    const ID_OF: IdOf = IdOf::Other;
}

/// A known event, whatever its payload type: what the accessors and the
/// parser need of it.
pub(crate) trait AnyEvent {
    fn id(&self) -> Option<&str>;
    fn event(&self) -> &str;
    fn raw(&self) -> &RawJson;
    fn fields(&self) -> &dyn Fields;
    fn id_of(&self) -> IdOf;
    fn typed_data(&self) -> serde_json::Result<Value>;
    fn set_envelope(&mut self, id: Option<String>, event: String, raw: RawJson);
}

impl<D: Payload> AnyEvent for Event<D> {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn event(&self) -> &str {
        &self.event
    }
    fn raw(&self) -> &RawJson {
        &self.raw
    }
    fn fields(&self) -> &dyn Fields {
        &self.data
    }
    fn id_of(&self) -> IdOf {
        D::ID_OF
    }
    fn typed_data(&self) -> serde_json::Result<Value> {
        serde_json::to_value(&self.data)
    }
    fn set_envelope(&mut self, id: Option<String>, event: String, raw: RawJson) {
        self.id = id;
        self.event = event;
        self.raw = raw;
    }
}
