//! The typed Rust methods of [`PartnerClient`], one per public operation of
//! the table (`operations.rs`). Each is [`PartnerClient::call`] with the
//! operation's arguments; nothing else happens here.

use crate::Error;
use crate::client::PartnerClient;
use crate::models::{
    PartnerGetWebhookHeadersOut, PartnerGetWebhookUrlOut, PartnerOut, PartnerSetWebhookHeadersOut,
    SetPartnerWebhookHeadersIn, SetPartnerWebhookUrlIn, WebhookHeaders,
};
use crate::operations::endpoint;
use crate::requests::NoBody;
use crate::response::Response;

impl PartnerClient {
    /// `GET /api/v2/partners/{partner_id}/webhook_url`: the current partner webhook URL.
    ///
    /// ```no_run
    /// # async fn demo(client: partner_webhooks::PartnerClient) -> Result<(), partner_webhooks::Error> {
    /// let r = client.get_webhook_url("abcPA").await?;
    /// println!("{}", r.webhook_url.as_deref().unwrap_or("(not set)"));
    /// # Ok(()) }
    /// ```
    pub async fn get_webhook_url(
        &self,
        partner_id: &str,
    ) -> Result<Response<PartnerGetWebhookUrlOut>, Error> {
        self.call::<endpoint::GetWebhookUrl>(&[partner_id], NoBody)
            .await
    }

    /// `POST /api/v2/partners/{partner_id}/webhook_url`: sets the partner webhook
    /// URL and returns the partner object.
    ///
    /// The URL must be absolute `http(s)` with a host, `https` unless the host is
    /// loopback, and at most 2048 bytes; otherwise nothing is sent.
    ///
    /// ```no_run
    /// # async fn demo(client: partner_webhooks::PartnerClient) -> Result<(), partner_webhooks::Error> {
    /// let partner = client.set_webhook_url("abcPA", "https://example.com/360dialog/events").await?;
    /// assert_eq!(partner.webhook_url.as_deref(), Some("https://example.com/360dialog/events"));
    /// # Ok(()) }
    /// ```
    pub async fn set_webhook_url(
        &self,
        partner_id: &str,
        webhook_url: &str,
    ) -> Result<Response<PartnerOut>, Error> {
        let body = SetPartnerWebhookUrlIn {
            webhook_url: webhook_url.to_string(),
        };
        self.call::<endpoint::SetWebhookUrl>(&[partner_id], body)
            .await
    }

    /// `GET /api/v2/partners/{partner_id}/webhook_headers`: the custom headers
    /// sent with every webhook.
    ///
    /// ```no_run
    /// # async fn demo(client: partner_webhooks::PartnerClient) -> Result<(), partner_webhooks::Error> {
    /// let r = client.get_webhook_headers("abcPA").await?;
    /// for name in r.webhook_headers.iter().flat_map(|h| h.names()) {
    ///     println!("{name}");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_webhook_headers(
        &self,
        partner_id: &str,
    ) -> Result<Response<PartnerGetWebhookHeadersOut>, Error> {
        self.call::<endpoint::GetWebhookHeaders>(&[partner_id], NoBody)
            .await
    }

    /// `POST /api/v2/partners/{partner_id}/webhook_headers`: replaces the custom
    /// headers as a whole (an empty map clears them).
    ///
    /// Names must be RFC 9110 tokens and not reserved; values strings without
    /// CR, LF or NUL; otherwise nothing is sent.
    ///
    /// ```no_run
    /// # async fn demo(client: partner_webhooks::PartnerClient) -> Result<(), partner_webhooks::Error> {
    /// use partner_webhooks::models::WebhookHeaders;
    /// client
    ///     .set_webhook_headers("abcPA", WebhookHeaders::from_pairs([("X-Partner-Auth", "shared-secret")]))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn set_webhook_headers(
        &self,
        partner_id: &str,
        headers: WebhookHeaders,
    ) -> Result<Response<PartnerSetWebhookHeadersOut>, Error> {
        let body = SetPartnerWebhookHeadersIn {
            webhook_headers: headers,
        };
        self.call::<endpoint::SetWebhookHeaders>(&[partner_id], body)
            .await
    }
}
