//! The Partner API's request and response bodies, one type per schema of the
//! OpenAPI file, field by field.
//!
//! Responses decode leniently: every field is optional (the spec requires
//! none), unknown fields are kept in `extra`, and `webhook_headers` values may
//! be any JSON. Requests encode strictly: exactly the spec's fields.
//! Header values are redacted in `Debug` because they often hold secrets.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::open_enum;

/// Unknown fields of a response object, kept so nothing the server sent is lost.
pub type Extra = Map<String, Value>;

/// The partner's custom webhook headers: name → value.
///
/// The spec allows values of any JSON type when reading; the SDK sends strings.
/// `Debug` shows the names only, never the values.
///
/// ```
/// use partner_webhooks::models::WebhookHeaders;
/// let h = WebhookHeaders::from_pairs([("Authorization", "Bearer s3cret")]);
/// assert_eq!(h.get_str("Authorization"), Some("Bearer s3cret"));
/// assert!(!format!("{h:?}").contains("s3cret"));
/// ```
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WebhookHeaders(pub BTreeMap<String, Value>);

impl WebhookHeaders {
    /// Builds a map of string values.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        WebhookHeaders(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), Value::String(v.into())))
                .collect(),
        )
    }

    /// The value of `name` (exact spelling) when it is a JSON string.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(Value::as_str)
    }

    /// Header names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// Number of headers.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no headers.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for WebhookHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.keys().map(|k| (k, crate::REDACTED)))
            .finish()
    }
}

/// `PartnerGetWebhookUrlOut`: answer of `GET /api/v2/partners/{partner_id}/webhook_url`.
///
/// ```
/// use partner_webhooks::models::PartnerGetWebhookUrlOut;
/// let out: PartnerGetWebhookUrlOut = serde_json::from_str(r#"{"webhook_url":null,"new":1}"#).unwrap();
/// assert_eq!(out.webhook_url, None);
/// assert_eq!(out.extra["new"], 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PartnerGetWebhookUrlOut {
    /// The partner webhook URL; `None` when none is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_url: Option<String>,
    /// Fields not in the spec.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `SetPartnerWebhookUrlIn`: body of `POST /api/v2/partners/{partner_id}/webhook_url`.
///
/// ```
/// use partner_webhooks::models::SetPartnerWebhookUrlIn;
/// let body = SetPartnerWebhookUrlIn { webhook_url: "https://example.com/hook".into() };
/// assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"webhook_url":"https://example.com/hook"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SetPartnerWebhookUrlIn {
    /// The new webhook URL (required).
    pub webhook_url: String,
}

/// `PartnerGetWebhookHeadersOut`: answer of `GET /api/v2/partners/{partner_id}/webhook_headers`.
///
/// ```
/// use partner_webhooks::models::PartnerGetWebhookHeadersOut;
/// let out: PartnerGetWebhookHeadersOut =
///     serde_json::from_str(r#"{"webhook_headers":{"X-Token":"t","X-Num":5}}"#).unwrap();
/// assert_eq!(out.webhook_headers.unwrap().0["X-Num"], 5);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PartnerGetWebhookHeadersOut {
    /// The custom headers sent with every webhook; `None` when never set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_headers: Option<WebhookHeaders>,
    /// Fields not in the spec.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `SetPartnerWebhookHeadersIn`: body of `POST /api/v2/partners/{partner_id}/webhook_headers`.
/// The map replaces the partner's headers as a whole.
///
/// ```
/// use partner_webhooks::models::{SetPartnerWebhookHeadersIn, WebhookHeaders};
/// let body = SetPartnerWebhookHeadersIn { webhook_headers: WebhookHeaders::from_pairs([("X-A", "1")]) };
/// assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"webhook_headers":{"X-A":"1"}}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SetPartnerWebhookHeadersIn {
    /// The complete set of custom headers (required).
    pub webhook_headers: WebhookHeaders,
}

/// `PartnerOut`: the partner object returned by `POST .../webhook_url`.
///
/// Fields the spec marks deprecated or internal are kept (optional) so that
/// nothing the server sends is dropped.
///
/// ```
/// use partner_webhooks::models::PartnerOut;
/// let p: PartnerOut = serde_json::from_str(r#"{"id":"abcPA","logo_url":null,"settings":null}"#).unwrap();
/// assert_eq!(p.id.as_deref(), Some("abcPA"));
/// assert!(p.settings.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PartnerOut {
    /// Partner ID (ends in `PA`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Brand name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_name: Option<String>,
    /// Deprecated by 360dialog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_required: Option<bool>,
    /// Deprecated by 360dialog; any object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_plan: Option<Value>,
    /// Logo URL (nullable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    /// Internal field of 360dialog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onboarding_deeplink_add_params: Option<bool>,
    /// Webhook URL for Partner API events (non-messaging).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_url: Option<String>,
    /// Where clients are redirected after integrated onboarding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_redirect_url: Option<String>,
    /// Country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Internal field of 360dialog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked_new_submission: Option<bool>,
    /// If false, clients cannot onboard new numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_client_to_add_phone_no: Option<bool>,
    /// Partner hub settings (`null` or an object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<PartnerSettingsPublicOut>,
    /// Internal field of 360dialog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_system: Option<String>,
    /// Deprecated Stripe public key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publishable_key: Option<String>,
    /// Fields not in the spec.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `PartnerSetWebhookHeadersOut`: [`PartnerOut`] plus `webhook_headers`, returned
/// by `POST .../webhook_headers`. Derefs to the partner object.
///
/// ```
/// use partner_webhooks::models::PartnerSetWebhookHeadersOut;
/// let p: PartnerSetWebhookHeadersOut =
///     serde_json::from_str(r#"{"id":"abcPA","webhook_headers":{"X-A":"1"}}"#).unwrap();
/// assert_eq!(p.id.as_deref(), Some("abcPA"));
/// assert_eq!(p.webhook_headers.as_ref().unwrap().get_str("X-A"), Some("1"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PartnerSetWebhookHeadersOut {
    /// The headers now configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_headers: Option<WebhookHeaders>,
    /// Every `PartnerOut` field.
    #[serde(flatten)]
    pub partner: PartnerOut,
}

impl std::ops::Deref for PartnerSetWebhookHeadersOut {
    type Target = PartnerOut;
    fn deref(&self) -> &PartnerOut {
        &self.partner
    }
}

/// `PartnerSettingsPublicOut`: settings that configure features of the partner hub.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PartnerSettingsPublicOut {
    /// Partner change request settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_change_request: Option<PartnerChangeRequestSettingsOut>,
    /// Account sharing settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_sharing: Option<AccountSharingSettingsOutData>,
    /// Where new channels' message data is stored at rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_data_localization_region: Option<String>,
    /// Whether requests are proxied to the marketing messages API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_marketing_messages_api: Option<bool>,
    /// Whether bearer token authentication is disabled for this partner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bearer_token_auth_disabled: Option<bool>,
    /// Integrated-onboarding signature settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub io_secure: Option<PartnerIoSecureSettingsOut>,
    /// Whether the partner is a direct 360dialog account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_direct_360dialog_partner: Option<bool>,
    /// Fields not in the spec.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `PartnerChangeRequestSettingsOut`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PartnerChangeRequestSettingsOut {
    /// Approve partner change requests from other clients automatically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_approve: Option<bool>,
    /// Fields not in the spec.
    #[serde(flatten)]
    pub extra: Extra,
}

open_enum! {
    /// `AccountSharingSettingsOutData.solution_status`.
    pub enum SolutionStatus {
        /// `ACTIVE`.
        Active => "ACTIVE",
        /// `DEACTIVATED`.
        Deactivated => "DEACTIVATED",
        /// `DRAFT`.
        Draft => "DRAFT",
        /// `INITATED` (sic, as 360dialog spells it).
        Initated => "INITATED",
        /// `PENDING_DEACTIVATION`.
        PendingDeactivation => "PENDING_DEACTIVATION",
        /// `REJECTED`.
        Rejected => "REJECTED",
    }
}

/// `AccountSharingSettingsOutData`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountSharingSettingsOutData {
    /// The solution id created and approved on Meta.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solution_id: Option<String>,
    /// The business manager connected to the solution agreement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_manager_id: Option<String>,
    /// Solution status (open enum).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solution_status: Option<SolutionStatus>,
    /// Fields not in the spec.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `PartnerIOSecureSettingsOut`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PartnerIoSecureSettingsOut {
    /// Whether integrated-onboarding signature verification is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub io_signature_verification_enabled: Option<bool>,
    /// Fields not in the spec.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `MetaSchemaErrorWithDetails` / `_MetaSchemaError`: the `meta` object of an
/// error body (`DefaultValidationError` / `DefaultHttpError`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorMeta {
    /// Human-readable reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub developer_message: Option<String>,
    /// The HTTP status again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_code: Option<i64>,
    /// Always false on errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
    /// Trace ID for 360dialog support.
    #[serde(
        rename = "360dialog_trace_id",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub trace_id: Option<String>,
    /// Additional error data (any JSON; an object per the spec, an array in older APIs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
    /// Fields not in the spec.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `DefaultValidationError` / `DefaultHttpError`: `{"meta": {...}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error description.
    pub meta: ErrorMeta,
}

impl ErrorMeta {
    /// Decodes the `meta` of an error body; `None` when the body is not that shape.
    ///
    /// ```
    /// use partner_webhooks::models::ErrorMeta;
    /// assert!(ErrorMeta::decode(b"<html>").is_none());
    /// let m = ErrorMeta::decode(br#"{"meta":{"http_code":404,"developer_message":"x"}}"#).unwrap();
    /// assert_eq!(m.http_code, Some(404));
    /// ```
    pub fn decode(body: &[u8]) -> Option<ErrorMeta> {
        match serde_json::from_slice::<Value>(body).ok()? {
            Value::Object(mut o) => match o.remove("meta").or_else(|| oauth_error(&mut o))? {
                meta @ Value::Object(_) => {
                    // Tolerate odd types field by field rather than losing the rest.
                    let mut m = ErrorMeta::default();
                    let Value::Object(mut meta) = meta else {
                        unreachable!()
                    };
                    m.developer_message =
                        meta.remove("developer_message").and_then(value_to_string);
                    m.http_code = meta.remove("http_code").and_then(|v| v.as_i64());
                    m.success = meta.remove("success").and_then(|v| v.as_bool());
                    m.trace_id = meta.remove("360dialog_trace_id").and_then(value_to_string);
                    m.details = meta.remove("details").filter(|v| !v.is_null());
                    m.extra = meta;
                    Some(m)
                }
                _ => None,
            },
            _ => None,
        }
    }
}

/// `{"error": "invalid_grant", "error_description": "..."}` (OAuth 2.0, RFC
/// 6749 section 5.2) as a `meta` object: the description (or the code) is the
/// developer message, the code goes to `details.error`.
fn oauth_error(o: &mut serde_json::Map<String, Value>) -> Option<Value> {
    let code = o.remove("error").filter(|v| v.is_string())?;
    let message = o
        .remove("error_description")
        .filter(|v| v.is_string())
        .unwrap_or_else(|| code.clone());
    Some(serde_json::json!({ "developer_message": message, "details": { "error": code } }))
}

fn value_to_string(v: Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// `TokenIn`: body of `POST /api/v2/token` (a Partner Hub user). `Debug` hides the password.
///
/// ```
/// use partner_webhooks::models::TokenIn;
/// let t = TokenIn { username: "me@example.com".into(), password: "pw".to_string().into() };
/// assert_eq!(serde_json::to_string(&t).unwrap(), r#"{"username":"me@example.com","password":"pw"}"#);
/// assert!(!format!("{t:?}").contains("pw\""));
/// ```
#[derive(Clone, Serialize)]
pub struct TokenIn {
    /// The user's e-mail address.
    pub username: String,
    /// The user's password.
    #[serde(serialize_with = "expose")]
    pub password: secrecy::SecretString,
}

fn expose<S: serde::Serializer>(s: &secrecy::SecretString, ser: S) -> Result<S::Ok, S::Error> {
    use secrecy::ExposeSecret;
    ser.serialize_str(s.expose_secret())
}

impl fmt::Debug for TokenIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenIn")
            .field("username", &self.username)
            .field("password", &crate::REDACTED)
            .finish()
    }
}

/// Answer of `POST /api/v2/token`.
#[derive(Clone, Default, PartialEq, Deserialize)]
pub struct TokenOut {
    /// The JWT to send as `Authorization: Bearer ...`.
    pub access_token: String,
    /// Usually `Bearer`.
    #[serde(default)]
    pub token_type: Option<String>,
    /// Lifetime in seconds.
    #[serde(default)]
    pub expires_in: Option<f64>,
}

impl fmt::Debug for TokenOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenOut")
            .field("access_token", &crate::REDACTED)
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partner_out_decodes_full_spec_object_and_keeps_unknowns() {
        let json = r#"{
            "id":"abcPA","brand_name":"Brand","payment_required":false,"payment_plan":{"x":1},
            "logo_url":null,"onboarding_deeplink_add_params":true,"webhook_url":"https://a.example/h",
            "partner_redirect_url":"https://a.example/r","country":"DE","blocked_new_submission":false,
            "allow_client_to_add_phone_no":true,"billing_system":"stripe","publishable_key":null,
            "settings":{"partner_change_request":{"auto_approve":true},
                        "account_sharing":{"solution_id":"1","business_manager_id":"2","solution_status":"SOMETHING_NEW"},
                        "default_data_localization_region":"EU","use_marketing_messages_api":null,
                        "bearer_token_auth_disabled":true,"io_secure":{"io_signature_verification_enabled":false},
                        "is_direct_360dialog_partner":true,"future_setting":"on"},
            "brand_new_field":[1,2]
        }"#;
        let p: PartnerOut = serde_json::from_str(json).unwrap();
        assert_eq!(p.brand_name.as_deref(), Some("Brand"));
        let s = p.settings.as_ref().unwrap();
        assert_eq!(
            s.partner_change_request.as_ref().unwrap().auto_approve,
            Some(true)
        );
        let sharing = s.account_sharing.as_ref().unwrap();
        assert_eq!(
            sharing.solution_status,
            Some(SolutionStatus::Unknown("SOMETHING_NEW".into()))
        );
        assert_eq!(s.extra["future_setting"], "on");
        assert_eq!(p.extra["brand_new_field"], serde_json::json!([1, 2]));
        // Nothing lost on the way back out.
        let back: Value = serde_json::to_value(&p).unwrap();
        assert_eq!(
            back["settings"]["account_sharing"]["solution_status"],
            "SOMETHING_NEW"
        );
        assert_eq!(back["brand_new_field"], serde_json::json!([1, 2]));
    }

    #[test]
    fn empty_objects_decode() {
        let _: PartnerOut = serde_json::from_str("{}").unwrap();
        let _: PartnerSetWebhookHeadersOut = serde_json::from_str("{}").unwrap();
        let h: PartnerGetWebhookHeadersOut = serde_json::from_str("{}").unwrap();
        assert!(h.webhook_headers.is_none());
    }

    #[test]
    fn header_values_of_any_json_type_decode_and_debug_hides_them() {
        let h: PartnerGetWebhookHeadersOut = serde_json::from_str(
            r#"{"webhook_headers":{"A":"secret-a","B":42,"C":null,"D":{"n":true},"E":["x"]}}"#,
        )
        .unwrap();
        let headers = h.webhook_headers.unwrap();
        assert_eq!(headers.len(), 5);
        let dbg = format!("{headers:?}");
        assert!(dbg.contains("\"A\"") && !dbg.contains("secret-a"), "{dbg}");
    }

    #[test]
    fn error_meta_tolerates_array_details_and_odd_types() {
        let m = ErrorMeta::decode(br#"{"meta":{"developer_message":5,"details":["a","b"],"http_code":"x","error_data":{}}}"#).unwrap();
        assert_eq!(m.developer_message.as_deref(), Some("5"));
        assert_eq!(m.details, Some(serde_json::json!(["a", "b"])));
        assert_eq!(m.http_code, None);
        assert!(m.extra.contains_key("error_data"));
    }
}
