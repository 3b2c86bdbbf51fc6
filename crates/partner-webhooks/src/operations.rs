//! The Partner API operations, each declared once.
//!
//! Every entry of the table below gives an operation's name, HTTP method, path
//! template, request body and response types, whether repeating it is safe
//! (idempotent) and how it authenticates. The rest
//! of the SDK reads the table: the transport builds URLs and log fields from it
//! and asks it before retrying, [`PartnerClient::invoke`] (the one dispatch the
//! language bindings call) matches on it, the sandbox registers one route per
//! entry, and each language's parity test enumerates it.
//!
//! ```
//! use partner_webhooks::operations::{HttpMethod, Operation};
//! let spec = Operation::SetWebhookUrl.spec();
//! assert_eq!(spec.name, "set_webhook_url");
//! assert_eq!(spec.method, HttpMethod::Post);
//! assert_eq!(spec.path, "/api/v2/partners/{partner_id}/webhook_url");
//! assert!(spec.idempotent);
//! let names: Vec<_> = spec.params().map(|p| p.name).collect();
//! assert_eq!(names, ["partner_id", "webhook_url"]);
//! assert_eq!(Operation::from_name("get_webhook_headers"), Some(Operation::GetWebhookHeaders));
//! ```
//!
//! How to add an operation: `docs/extending.md`, "Adding an operation".

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Error;
use crate::client::PartnerClient;
use crate::models::{
    PartnerGetWebhookHeadersOut, PartnerGetWebhookUrlOut, PartnerOut, PartnerSetWebhookHeadersOut,
    SetPartnerWebhookHeadersIn, SetPartnerWebhookUrlIn,
};
use crate::requests::{NoBody, RequestBody};
use crate::response::{JsonBody, Response};

/// The HTTP method of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `POST`
    Post,
}

impl HttpMethod {
    /// `"GET"`, `"POST"`, ...
    ///
    /// ```
    /// assert_eq!(partner_webhooks::operations::HttpMethod::Get.as_str(), "GET");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
        }
    }

    pub(crate) fn to_reqwest(self) -> reqwest::Method {
        match self {
            HttpMethod::Get => reqwest::Method::GET,
            HttpMethod::Post => reqwest::Method::POST,
        }
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an operation authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Auth {
    /// With the client's credentials: `X-API-Key`, or `Authorization: Bearer`
    /// with a fixed, exchanged or provided token (re-fetched once after a 401).
    Client,
    /// Without an auth header: the request body itself carries credentials
    /// (the username/password exchange, private to `auth.rs`).
    Unauthenticated,
}

/// What kind of value a parameter takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamKind {
    /// A string (a path segment, or a plain body field).
    String,
    /// A string that must be an absolute http(s) URL.
    Url,
    /// A secret string (never logged).
    Secret,
    /// An object of header names to string values.
    HeaderMap,
}

/// One argument of an operation, in the order methods take them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Param {
    /// The name, as the API spells it (`partner_id`, `webhook_url`).
    pub name: &'static str,
    /// What it takes (path parameters are `String`s; the rest are body fields).
    pub kind: ParamKind,
}

/// The partner id: the path parameter of every partner operation.
pub const PARTNER_ID: Param = Param {
    name: "partner_id",
    kind: ParamKind::String,
};

/// Everything the SDK knows about one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OperationSpec {
    /// Snake-case name: the Rust and Python method, the sandbox's route name
    /// (fault injection, counters), the scenarios' `call`.
    pub name: &'static str,
    /// One line for docs and `--help`.
    pub summary: &'static str,
    /// HTTP method.
    pub method: HttpMethod,
    /// Path template with `{name}` placeholders (safe to log).
    pub path: &'static str,
    /// Path parameters, in template order.
    pub path_params: &'static [Param],
    /// Body parameters (the request type's fields), in method order.
    pub body_params: &'static [Param],
    /// The OpenAPI schema of the request body, if it has one.
    pub request: Option<&'static str>,
    /// The OpenAPI schema of the response body.
    pub response: &'static str,
    /// Whether sending it twice has the effect of sending it once. Only
    /// idempotent operations are retried after a failure that leaves open
    /// whether the server acted (a timeout, a broken connection, a 5xx).
    pub idempotent: bool,
    /// How it authenticates.
    pub auth: Auth,
}

impl OperationSpec {
    /// All parameters in method order: path parameters, then body parameters.
    pub fn params(&self) -> impl Iterator<Item = &'static Param> + use<> {
        self.path_params.iter().chain(self.body_params.iter())
    }
}

/// The request body, response body and operation of one endpoint, as types.
/// One zero-sized type per operation lives in [`endpoint`].
pub trait Endpoint {
    /// The table entry.
    const OPERATION: Operation;
    /// What the request body holds (its fields are the body parameters).
    type Body: RequestBody;
    /// The decoded response body.
    type Output: DeserializeOwned + Send + 'static;
}

/// Declares the table: the [`Operation`] enum, its specs, one [`Endpoint`]
/// type per operation and the dispatch of [`PartnerClient::invoke`], all from
/// one list.
macro_rules! operations {
    ($(
        $(#[$doc:meta])*
        $variant:ident {
            name: $name:literal,
            summary: $summary:literal,
            method: $method:ident,
            path: $path:literal,
            path_params: [$($path_param:expr),*],
            body: $body:ty,
            output: $output:ident,
            idempotent: $idempotent:literal,
            auth: $auth:ident $(,)?
        }
    )*) => {
        /// One Partner API operation. The list is the table of this module;
        /// [`spec`](Operation::spec) gives everything about each.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Operation {
            $($(#[$doc])* $variant,)*
        }

        impl Operation {
            /// Every operation, in table order.
            pub const ALL: &'static [Operation] = &[$(Operation::$variant),*];

            /// The table entry.
            pub const fn spec(self) -> &'static OperationSpec {
                match self {
                    $(Operation::$variant => &OperationSpec {
                        name: $name,
                        summary: $summary,
                        method: HttpMethod::$method,
                        path: $path,
                        path_params: &[$($path_param),*],
                        body_params: <$body as RequestBody>::PARAMS,
                        request: <$body as RequestBody>::SCHEMA,
                        response: stringify!($output),
                        idempotent: $idempotent,
                        auth: Auth::$auth,
                    },)*
                }
            }
        }

        /// One type per operation, carrying its request and response types
        /// (for [`PartnerClient::call`]).
        pub mod endpoint {
            #[allow(unused_imports)]
            use super::*;
            $(
                $(#[$doc])*
                #[derive(Debug, Clone, Copy)]
                pub struct $variant;

                impl super::Endpoint for $variant {
                    const OPERATION: super::Operation = super::Operation::$variant;
                    type Body = $body;
                    type Output = $output;
                }
            )*
        }

        impl PartnerClient {
            /// Runs `op` with its arguments as JSON values, in the order of
            /// [`OperationSpec::params`], and returns the body as the API sent it.
            /// This is the one dispatch every language binding calls; the typed
            /// methods (`get_webhook_url`, ...) are the Rust API.
            ///
            /// Arguments are checked as the typed methods check them
            /// ([`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) naming
            /// the parameter, nothing sent); the answer must decode as the
            /// operation's response type.
            ///
            /// ```no_run
            /// # async fn demo(client: partner_webhooks::PartnerClient) -> Result<(), partner_webhooks::Error> {
            /// use partner_webhooks::operations::Operation;
            /// let r = client
            ///     .invoke(Operation::SetWebhookUrl, vec!["abcPA".into(), "https://example.com/hook".into()])
            ///     .await?;
            /// assert_eq!(r.data().value()["webhook_url"], "https://example.com/hook");
            /// # Ok(()) }
            /// ```
            pub async fn invoke(&self, op: Operation, args: Vec<Value>) -> Result<Response<JsonBody>, Error> {
                match op {
                    $(Operation::$variant => self.invoke_as::<endpoint::$variant>(args).await,)*
                }
            }
        }
    };
}

operations! {
    /// `GET /api/v2/partners/{partner_id}/webhook_url`
    GetWebhookUrl {
        name: "get_webhook_url",
        summary: "The partner webhook URL (absent when none is set).",
        method: Get,
        path: "/api/v2/partners/{partner_id}/webhook_url",
        path_params: [PARTNER_ID],
        body: NoBody,
        output: PartnerGetWebhookUrlOut,
        idempotent: true,
        auth: Client,
    }
    /// `POST /api/v2/partners/{partner_id}/webhook_url`
    SetWebhookUrl {
        name: "set_webhook_url",
        summary: "Sets the partner webhook URL; returns the partner.",
        method: Post,
        path: "/api/v2/partners/{partner_id}/webhook_url",
        path_params: [PARTNER_ID],
        body: SetPartnerWebhookUrlIn,
        output: PartnerOut,
        idempotent: true,
        auth: Client,
    }
    /// `GET /api/v2/partners/{partner_id}/webhook_headers`
    GetWebhookHeaders {
        name: "get_webhook_headers",
        summary: "The custom headers sent with every webhook.",
        method: Get,
        path: "/api/v2/partners/{partner_id}/webhook_headers",
        path_params: [PARTNER_ID],
        body: NoBody,
        output: PartnerGetWebhookHeadersOut,
        idempotent: true,
        auth: Client,
    }
    /// `POST /api/v2/partners/{partner_id}/webhook_headers`
    SetWebhookHeaders {
        name: "set_webhook_headers",
        summary: "Replaces the custom webhook headers as a whole ({} clears them); returns the partner.",
        method: Post,
        path: "/api/v2/partners/{partner_id}/webhook_headers",
        path_params: [PARTNER_ID],
        body: SetPartnerWebhookHeadersIn,
        output: PartnerSetWebhookHeadersOut,
        idempotent: true,
        auth: Client,
    }
}

impl Operation {
    /// The operation whose [`OperationSpec::name`] is `name`.
    pub fn from_name(name: &str) -> Option<Operation> {
        Operation::ALL
            .iter()
            .copied()
            .find(|op| op.spec().name == name)
    }

    /// Snake-case name (see [`OperationSpec::name`]).
    pub fn name(self) -> &'static str {
        self.spec().name
    }
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        let mut names: Vec<_> = Operation::ALL.iter().map(|o| o.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Operation::ALL.len());
        for op in Operation::ALL {
            assert_eq!(Operation::from_name(op.name()), Some(*op));
        }
        assert_eq!(Operation::from_name("nope"), None);
    }

    #[test]
    fn path_params_match_the_templates() {
        for op in Operation::ALL {
            let spec = op.spec();
            let placeholders: Vec<&str> = spec
                .path
                .split('{')
                .skip(1)
                .map(|s| s.split('}').next().unwrap())
                .collect();
            let declared: Vec<&str> = spec.path_params.iter().map(|p| p.name).collect();
            assert_eq!(placeholders, declared, "{}", spec.name);
            assert!(spec.path.starts_with("/api/v2/"), "{}", spec.name);
        }
    }

    #[test]
    fn method_and_path_pairs_are_unique() {
        let mut routes: Vec<_> = Operation::ALL
            .iter()
            .map(|o| (o.spec().method, o.spec().path))
            .collect();
        routes.sort_by_key(|(m, p)| (m.as_str(), *p));
        routes.dedup();
        assert_eq!(routes.len(), Operation::ALL.len());
    }

    #[test]
    fn the_table_matches_the_openapi_contract() {
        let spec = |op: Operation| op.spec();
        assert_eq!(spec(Operation::GetWebhookUrl).method, HttpMethod::Get);
        assert_eq!(spec(Operation::GetWebhookHeaders).method, HttpMethod::Get);
        assert_eq!(
            spec(Operation::SetWebhookUrl).request,
            Some("SetPartnerWebhookUrlIn")
        );
        assert_eq!(
            spec(Operation::SetWebhookHeaders).response,
            "PartnerSetWebhookHeadersOut"
        );
        assert!(
            Operation::ALL
                .iter()
                .all(|op| op.spec().auth == Auth::Client)
        );
        assert_eq!(Operation::ALL.len(), 4);
    }
}
