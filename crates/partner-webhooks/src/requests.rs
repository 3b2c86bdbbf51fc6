//! Request bodies as the operation table sees them: which parameters each
//! takes, how it is checked before anything is sent, how it is encoded, and how
//! it is read from arguments given as JSON values (the language bindings and
//! the cross-language scenarios pass them that way).

use bytes::Bytes;
use serde_json::Value;

use crate::config::ClientConfig;
use crate::models::{SetPartnerWebhookHeadersIn, SetPartnerWebhookUrlIn, TokenIn, WebhookHeaders};
use crate::operations::{Param, ParamKind};
use crate::{Error, validate};

/// A request body of one operation of the table.
pub trait RequestBody: Sized + Send + Sync + 'static {
    /// The body's parameters (its fields), in the order methods take them.
    const PARAMS: &'static [Param];
    /// The OpenAPI schema name, `None` for a request without a body.
    const SCHEMA: Option<&'static str>;

    /// Client-side checks; when they fail nothing is sent.
    fn validate(&self, config: &ClientConfig) -> Result<(), Error>;

    /// The JSON body, `None` for a request without one.
    fn encode(&self) -> Result<Option<Bytes>, Error>;

    /// Reads the body from its parameters as JSON values, in [`PARAMS`](Self::PARAMS) order.
    fn from_args(args: &mut Args) -> Result<Self, Error>;
}

/// The body of an operation that sends none (the `GET`s).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoBody;

impl RequestBody for NoBody {
    const PARAMS: &'static [Param] = &[];
    const SCHEMA: Option<&'static str> = None;

    fn validate(&self, _: &ClientConfig) -> Result<(), Error> {
        Ok(())
    }

    fn encode(&self) -> Result<Option<Bytes>, Error> {
        Ok(None)
    }

    fn from_args(_: &mut Args) -> Result<Self, Error> {
        Ok(NoBody)
    }
}

const fn body(name: &'static str, kind: ParamKind) -> Param {
    Param { name, kind }
}

fn json<T: serde::Serialize>(body: &T) -> Result<Option<Bytes>, Error> {
    serde_json::to_vec(body)
        .map(|v| Some(Bytes::from(v)))
        .map_err(|e| Error::invalid_input("body", format!("could not be encoded as JSON ({e})")))
}

impl RequestBody for SetPartnerWebhookUrlIn {
    const PARAMS: &'static [Param] = &[body("webhook_url", ParamKind::Url)];
    const SCHEMA: Option<&'static str> = Some("SetPartnerWebhookUrlIn");

    fn validate(&self, config: &ClientConfig) -> Result<(), Error> {
        validate::webhook_url(&self.webhook_url, config.allow_insecure_http()).map(|_| ())
    }

    fn encode(&self) -> Result<Option<Bytes>, Error> {
        json(self)
    }

    fn from_args(args: &mut Args) -> Result<Self, Error> {
        Ok(SetPartnerWebhookUrlIn {
            webhook_url: args.string("webhook_url")?,
        })
    }
}

impl RequestBody for SetPartnerWebhookHeadersIn {
    const PARAMS: &'static [Param] = &[body("webhook_headers", ParamKind::HeaderMap)];
    const SCHEMA: Option<&'static str> = Some("SetPartnerWebhookHeadersIn");

    fn validate(&self, _: &ClientConfig) -> Result<(), Error> {
        validate::webhook_headers(&self.webhook_headers)
    }

    fn encode(&self) -> Result<Option<Bytes>, Error> {
        json(self)
    }

    fn from_args(args: &mut Args) -> Result<Self, Error> {
        Ok(SetPartnerWebhookHeadersIn {
            webhook_headers: args.header_map("webhook_headers")?,
        })
    }
}

impl RequestBody for TokenIn {
    const PARAMS: &'static [Param] = &[
        body("username", ParamKind::String),
        body("password", ParamKind::Secret),
    ];
    const SCHEMA: Option<&'static str> = Some("TokenIn");

    fn validate(&self, _: &ClientConfig) -> Result<(), Error> {
        Ok(())
    }

    fn encode(&self) -> Result<Option<Bytes>, Error> {
        serde_json::to_vec(self)
            .map(|v| Some(Bytes::from(v)))
            .map_err(|_| Error::invalid_input("password", "could not be encoded as JSON"))
    }

    fn from_args(args: &mut Args) -> Result<Self, Error> {
        Ok(TokenIn {
            username: args.string("username")?,
            password: args.string("password")?.into(),
        })
    }
}

/// Arguments given as JSON values, read in order by parameter name. Every
/// mistake is [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput)
/// naming the parameter.
///
/// ```
/// use partner_webhooks::requests::Args;
/// let mut args = Args::new(vec!["abcPA".into()]);
/// assert_eq!(args.string("partner_id").unwrap(), "abcPA");
/// let err = args.string("webhook_url").unwrap_err();
/// assert_eq!((err.field(), err.message()), (Some("webhook_url"), "is required"));
/// ```
#[derive(Debug)]
pub struct Args {
    values: std::vec::IntoIter<Value>,
    given: usize,
}

impl Args {
    /// Arguments in parameter order.
    pub fn new(values: Vec<Value>) -> Self {
        Args {
            given: values.len(),
            values: values.into_iter(),
        }
    }

    fn next(&mut self, name: &str) -> Result<Value, Error> {
        match self.values.next() {
            Some(Value::Null) | None => Err(Error::invalid_input(name, "is required")),
            Some(v) => Ok(v),
        }
    }

    /// The next argument, which must be a string.
    pub fn string(&mut self, name: &str) -> Result<String, Error> {
        match self.next(name)? {
            Value::String(s) => Ok(s),
            other => Err(Error::invalid_input(
                name,
                format!("must be a string (got {})", json_type(&other)),
            )),
        }
    }

    /// The next argument, which must be an object of header names to values
    /// (the values are checked by [`validate::webhook_headers`]).
    pub fn header_map(&mut self, name: &str) -> Result<WebhookHeaders, Error> {
        match self.next(name)? {
            Value::Object(map) => Ok(WebhookHeaders(map.into_iter().collect())),
            other => Err(Error::invalid_input(
                name,
                format!(
                    "must be an object of header names to string values (got {})",
                    json_type(&other)
                ),
            )),
        }
    }

    /// Fails when arguments are left over: `takes` is how many the operation takes.
    pub fn finish(mut self, operation: &str, takes: usize) -> Result<(), Error> {
        if self.values.next().is_some() {
            return Err(Error::invalid_input(
                "args",
                format!("{operation} takes {takes} argument(s), got {}", self.given),
            ));
        }
        Ok(())
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wrong_types_name_the_parameter() {
        let e = Args::new(vec![json!(5)]).string("partner_id").unwrap_err();
        assert_eq!(
            e.to_string(),
            "InvalidInput: partner_id: must be a string (got a number)"
        );
        let e = Args::new(vec![json!("x")])
            .header_map("webhook_headers")
            .unwrap_err();
        assert_eq!(e.field(), Some("webhook_headers"));
        let e = SetPartnerWebhookUrlIn::from_args(&mut Args::new(vec![Value::Null])).unwrap_err();
        assert_eq!(
            (e.field(), e.message()),
            (Some("webhook_url"), "is required")
        );
    }

    #[test]
    fn extra_arguments_are_refused() {
        let mut args = Args::new(vec![json!("a"), json!("b")]);
        args.string("partner_id").unwrap();
        let e = args.finish("get_webhook_url", 1).unwrap_err();
        assert_eq!(e.message(), "get_webhook_url takes 1 argument(s), got 2");
    }

    #[test]
    fn header_values_are_kept_for_validation() {
        let h = Args::new(vec![json!({"X-A": "1", "X-B": 2})])
            .header_map("webhook_headers")
            .unwrap();
        let e = validate::webhook_headers(&h).unwrap_err();
        assert_eq!(e.field(), Some("webhook_headers.X-B"));
    }
}
