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
