//! The SDK's surface as data, for the bindings' parity tests: the core's
//! operations, client settings, per-call options, error classes, error kinds
//! and known events, with each name spelled as `lang` spells it. Every binding exposes
//! this one value (Python `_native.surface()`, Node `native.surface()`,
//! Kotlin/Swift `surfaceJson()`), and its tests check the installed package
//! against it.

use partner_webhooks::operations::Operation;
use partner_webhooks::settings::{
    CALL_OPTIONS, CLIENT_SETTINGS, Language, SettingSpec, camel_case,
};
use serde_json::{Value, json};

use crate::{ERROR_CLASSES, error_kinds};

/// The surface for `lang` (see the module docs).
///
/// ```
/// use partner_webhooks::settings::Language;
/// let s = partner_webhooks_runtime::surface::describe(Language::Node);
/// let set_url = s["operations"].as_array().unwrap().iter().find(|o| o["name"] == "set_webhook_url").unwrap();
/// assert_eq!(set_url["method_name"], "setWebhookUrl");
/// assert_eq!(set_url["params"][1]["name"], "webhook_url");
/// assert!(s["settings"].as_array().unwrap().iter().any(|o| o["method_name"] == "timeoutMs"));
/// ```
pub fn describe(lang: Language) -> Value {
    let spell = |name: &str| match lang {
        Language::Python => name.to_string(),
        Language::Node | Language::Kotlin => camel_case(name),
    };
    let operations: Vec<Value> = Operation::ALL
        .iter()
        .map(|op| {
            let spec = op.spec();
            json!({
                "name": spec.name,
                "method_name": spell(spec.name),
                "http_method": spec.method,
                "path": spec.path,
                "params": spec.params().map(|p| json!({"name": p.name, "kind": p.kind})).collect::<Vec<_>>(),
                "idempotent": spec.idempotent,
                "response": spec.response,
            })
        })
        .collect();
    let options = |list: &[SettingSpec]| -> Vec<Value> {
        list.iter()
            .map(|s| {
                json!({
                    "name": s.name,
                    "method_name": s.name_in(lang),
                    "kind": s.kind,
                    "env": s.env,
                    "summary_key": s.summary_key(),
                })
            })
            .collect()
    };
    json!({
        "operations": operations,
        "routes": Operation::ALL.iter().map(|o| o.name()).chain([partner_webhooks::auth::TOKEN_ROUTE]).collect::<Vec<_>>(),
        "settings": options(CLIENT_SETTINGS),
        "call_options": options(CALL_OPTIONS),
        "error_classes": ERROR_CLASSES.iter().map(|c| json!({"name": c.name, "parent": c.parent})).collect::<Vec<_>>(),
        "error_kinds": error_kinds(),
        "events": partner_webhooks::events::EVENTS,
    })
}
