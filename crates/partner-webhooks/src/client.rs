//! [`PartnerClient`]: the handle, its per-call [`RequestOptions`], and the one
//! generic path every operation takes ([`PartnerClient::call`] for typed
//! callers, [`PartnerClient::invoke`] for the language bindings). The typed
//! methods live in `endpoints.rs`, the attempts and retries in `transport.rs`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::Error;
use crate::config::ClientConfig;
use crate::operations::Endpoint;
use crate::requests::{Args, RequestBody};
use crate::response::{JsonBody, Response};
use crate::settings::ClientSettings;
use crate::transport::Transport;

pub use crate::transport::MAX_RESPONSE_BYTES;

/// Per-call overrides of the client's timeout and retries.
///
/// ```
/// use std::time::Duration;
/// use partner_webhooks::RequestOptions;
/// let opts = RequestOptions::new().timeout(Duration::from_secs(5)).max_retries(0);
/// assert_eq!(opts.max_retries, Some(0));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// Budget for the whole call, retries included.
    pub timeout: Option<Duration>,
    /// Retries after the first attempt (at most 10).
    pub max_retries: Option<u32>,
    /// Limit for one attempt.
    pub attempt_timeout: Option<Duration>,
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Overrides the call's total timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Overrides the number of retries.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// Overrides the per-attempt timeout.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Checks the options without making a call (a call checks them too).
    ///
    /// ```
    /// let e = partner_webhooks::RequestOptions::new().max_retries(11).check().unwrap_err();
    /// assert_eq!(e.field(), Some("max_retries"));
    /// ```
    pub fn check(&self) -> Result<(), Error> {
        if let Some(n) = self.max_retries {
            crate::limits::retries("max_retries", n)?;
        }
        if let Some(d) = self.timeout {
            crate::limits::duration("timeout", d)?;
        }
        if let Some(d) = self.attempt_timeout {
            crate::limits::duration("attempt_timeout", d)?;
        }
        Ok(())
    }

    fn merged_over(self, base: RequestOptions) -> RequestOptions {
        RequestOptions {
            timeout: self.timeout.or(base.timeout),
            max_retries: self.max_retries.or(base.max_retries),
            attempt_timeout: self.attempt_timeout.or(base.attempt_timeout),
        }
    }
}

/// Async client for the partner webhook settings. Cheap to clone; clones share
/// the connection pool and the token cache.
///
/// ```no_run
/// use partner_webhooks::{ClientConfig, PartnerClient};
/// # async fn demo() -> Result<(), partner_webhooks::Error> {
/// let client = PartnerClient::new(ClientConfig::from_env()?)?;
/// client.set_webhook_url("abcPA", "https://example.com/360dialog/events").await?;
/// let current = client.get_webhook_url("abcPA").await?;
/// assert_eq!(current.webhook_url.as_deref(), Some("https://example.com/360dialog/events"));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PartnerClient {
    pub(crate) transport: Arc<Transport>,
    options: RequestOptions,
}

impl fmt::Debug for PartnerClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PartnerClient")
            .field("config", &self.transport.config)
            .field("options", &self.options)
            .finish()
    }
}

impl PartnerClient {
    /// A client for `config`.
    pub fn new(config: ClientConfig) -> Result<Self, Error> {
        Ok(PartnerClient {
            transport: Arc::new(Transport::new(config)?),
            options: RequestOptions::default(),
        })
    }

    /// A client from `settings`, with the `PARTNER_API_*` environment variables
    /// and the defaults for anything unset.
    ///
    /// ```
    /// use partner_webhooks::{ClientSettings, PartnerClient};
    /// let client = PartnerClient::from_settings(ClientSettings {
    ///     api_key: Some("my-key".into()),
    ///     max_retries: Some(0),
    ///     ..ClientSettings::default()
    /// })
    /// .unwrap();
    /// assert_eq!(client.config().max_retries(), 0);
    /// ```
    pub fn from_settings(settings: ClientSettings) -> Result<Self, Error> {
        PartnerClient::new(settings.resolve()?)
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &ClientConfig {
        &self.transport.config
    }

    /// The per-call defaults of this handle (set by [`with_options`](Self::with_options)).
    pub fn options(&self) -> RequestOptions {
        self.options
    }

    /// The whole-call budget this handle's calls get: its own option, else
    /// the configuration's.
    pub fn effective_timeout(&self) -> Duration {
        self.options
            .timeout
            .unwrap_or(self.transport.config.timeout())
    }

    /// The retries this handle's calls get: its own option, else the configuration's.
    pub fn effective_max_retries(&self) -> u32 {
        self.options
            .max_retries
            .unwrap_or(self.transport.config.max_retries())
    }

    /// A handle on the same client whose calls use `options` (a cheap clone).
    ///
    /// ```no_run
    /// # async fn demo(client: partner_webhooks::PartnerClient) -> Result<(), partner_webhooks::Error> {
    /// use std::time::Duration;
    /// use partner_webhooks::RequestOptions;
    /// let quick = client.with_options(RequestOptions::new().timeout(Duration::from_secs(2)).max_retries(0));
    /// quick.get_webhook_url("abcPA").await?;
    /// # Ok(()) }
    /// ```
    pub fn with_options(&self, options: RequestOptions) -> PartnerClient {
        PartnerClient {
            transport: self.transport.clone(),
            options: options.merged_over(self.options),
        }
    }

    /// Runs the operation `E` of the table with typed arguments: its path
    /// parameters in template order and its request body. Every typed method
    /// is this call; use it for an operation added to the table before it has
    /// a method of its own.
    ///
    /// ```no_run
    /// # async fn demo(client: partner_webhooks::PartnerClient) -> Result<(), partner_webhooks::Error> {
    /// use partner_webhooks::operations::endpoint;
    /// use partner_webhooks::requests::NoBody;
    /// let r = client.call::<endpoint::GetWebhookUrl>(&["abcPA"], NoBody).await?;
    /// println!("{:?}", r.webhook_url);
    /// # Ok(()) }
    /// ```
    pub async fn call<E: Endpoint>(
        &self,
        path_args: &[&str],
        body: E::Body,
    ) -> Result<Response<E::Output>, Error> {
        let spec = E::OPERATION.spec();
        let url = self.transport.url(spec, path_args)?;
        self.send::<E>(url, body).await
    }

    /// [`invoke`](Self::invoke) for one endpoint: arguments read and checked in
    /// parameter order, then the same path as [`call`](Self::call).
    pub(crate) async fn invoke_as<E: Endpoint>(
        &self,
        args: Vec<Value>,
    ) -> Result<Response<JsonBody>, Error> {
        // Read synchronously, so that nothing but the URL and the body is
        // kept in the future while the request runs.
        let (url, body) = self.read_args::<E>(args)?;
        body.validate(self.config())?;
        let bytes = body.encode()?;
        // The text is checked to have the shape of the operation's response
        // type, then handed over as it came.
        let r: Response<crate::response::Checked<E::Output>> = self
            .transport
            .execute(E::OPERATION.spec(), url, bytes, self.options)
            .await?;
        r.into_json()
    }

    fn read_args<E: Endpoint>(&self, args: Vec<Value>) -> Result<(url::Url, E::Body), Error> {
        let spec = E::OPERATION.spec();
        let mut args = Args::new(args);
        let path = spec
            .path_params
            .iter()
            .map(|p| args.string(p.name))
            .collect::<Result<Vec<String>, Error>>()?;
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        let url = self.transport.url(spec, &path)?;
        let body = E::Body::from_args(&mut args)?;
        args.finish(spec.name, spec.params().count())?;
        Ok((url, body))
    }

    async fn send<E: Endpoint>(
        &self,
        url: url::Url,
        body: E::Body,
    ) -> Result<Response<E::Output>, Error> {
        body.validate(self.config())?;
        let bytes = body.encode()?;
        self.transport
            .execute(E::OPERATION.spec(), url, bytes, self.options)
            .await
    }
}

/// The kind used when a binding names an operation that is not in the table.
///
/// ```
/// let e = partner_webhooks::client::unknown_operation("get_webhook_uri");
/// assert_eq!(e.field(), Some("operation"));
/// ```
pub fn unknown_operation(name: &str) -> Error {
    let known: Vec<&str> = crate::operations::Operation::ALL
        .iter()
        .map(|o| o.name())
        .collect();
    Error::invalid_input(
        "operation",
        format!("unknown operation {name:?} (known: {})", known.join(", ")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::operations::{Operation, endpoint};
    use crate::requests::NoBody;

    fn client() -> PartnerClient {
        PartnerClient::new(
            ClientConfig::builder()
                .api_key("k")
                .base_url("http://127.0.0.1:9/prefix")
                .build()
                .unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn urls_come_from_the_table() {
        let c = client();
        let url = c
            .transport
            .url(Operation::SetWebhookHeaders.spec(), &["a/b PA"])
            .unwrap();
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:9/prefix/api/v2/partners/a%2Fb%20PA/webhook_headers"
        );
        let url = c.transport.url(&crate::auth::TOKEN, &[]).unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.1:9/prefix/api/v2/token");
        let e = c
            .transport
            .url(Operation::GetWebhookUrl.spec(), &[])
            .unwrap_err();
        assert_eq!(e.field(), Some("args"));
    }

    #[test]
    fn urls_made_again_come_from_the_recent_ones_by_template_and_arguments() {
        let c = client();
        let (get, set) = (
            Operation::GetWebhookUrl.spec(),
            Operation::GetWebhookHeaders.spec(),
        );
        // More distinct URLs than are kept, twice over: each is still right.
        for round in 0..2 {
            for i in 0..12 {
                let id = format!("p{i}PA");
                let a = c.transport.url(get, &[&id]).unwrap();
                let b = c.transport.url(set, &[&id]).unwrap();
                assert_eq!(
                    a.path(),
                    format!("/prefix/api/v2/partners/{id}/webhook_url"),
                    "{round}"
                );
                assert_eq!(
                    b.path(),
                    format!("/prefix/api/v2/partners/{id}/webhook_headers")
                );
            }
        }
        assert!(
            c.transport.url(get, &[".."]).is_err(),
            "a refused argument is refused every time"
        );
        assert!(c.transport.url(get, &[".."]).is_err());
    }

    #[tokio::test]
    async fn bad_arguments_are_refused_before_anything_is_sent() {
        let c = client();
        for (op, args, field) in [
            (Operation::GetWebhookUrl, vec![], "partner_id"),
            (Operation::GetWebhookUrl, vec![Value::from(7)], "partner_id"),
            (Operation::GetWebhookUrl, vec!["..".into()], "partner_id"),
            (Operation::SetWebhookUrl, vec!["aPA".into()], "webhook_url"),
            (
                Operation::SetWebhookUrl,
                vec!["aPA".into(), "ftp://x".into()],
                "webhook_url",
            ),
            (
                Operation::SetWebhookHeaders,
                vec!["aPA".into(), "X-A: 1".into()],
                "webhook_headers",
            ),
            (
                Operation::GetWebhookUrl,
                vec!["aPA".into(), "extra".into()],
                "args",
            ),
        ] {
            let e = c.invoke(op, args).await.unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidInput, "{op}: {e}");
            assert_eq!(e.field(), Some(field), "{op}: {e}");
            assert_eq!(e.attempts(), 0);
        }
        let e = c
            .call::<endpoint::GetWebhookUrl>(&["aPA", "bPA"], NoBody)
            .await
            .unwrap_err();
        assert_eq!(e.field(), Some("args"));
    }
}
