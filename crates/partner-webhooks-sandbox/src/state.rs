//! The sandbox's shared, concurrency-safe state: partners, issued tokens,
//! pending faults and request counters.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::config::{SandboxConfig, random_secret};
use crate::delivery::{self, Delivery, DeliveryPolicy, DeliveryStatus, Tampering};
use crate::faults::Fault;

/// What the sandbox has seen, from `GET /_sandbox/stats`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Stats {
    /// Requests that reached each route (faulted ones included).
    pub requests: BTreeMap<String, u64>,
    /// Faults applied so far.
    pub faults_applied: u64,
    /// Bearer tokens issued by `POST /api/v2/token`.
    pub tokens_issued: u64,
}

impl Stats {
    /// Requests seen on `route`.
    pub fn count(&self, route: &str) -> u64 {
        self.requests.get(route).copied().unwrap_or(0)
    }
}

/// A partner's webhook settings as `--state` files keep them.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct PartnerSettings {
    /// Partner id.
    pub id: String,
    /// Brand name.
    pub brand_name: String,
    /// The webhook URL, when set.
    pub webhook_url: Option<String>,
    /// The custom webhook headers.
    pub webhook_headers: Map<String, Value>,
}

/// One partner's stored settings.
#[derive(Debug, Clone)]
pub(crate) struct PartnerRecord {
    pub(crate) id: String,
    pub(crate) brand_name: String,
    pub(crate) webhook_url: Option<String>,
    pub(crate) webhook_headers: Map<String, Value>,
}

impl PartnerRecord {
    fn new(id: &str, brand: &str) -> Self {
        PartnerRecord {
            id: id.into(),
            brand_name: brand.into(),
            webhook_url: None,
            webhook_headers: Map::new(),
        }
    }

    /// The `PartnerOut` object.
    pub(crate) fn partner_out(&self) -> Value {
        json!({
            "id": self.id,
            "brand_name": self.brand_name,
            "logo_url": null,
            "webhook_url": self.webhook_url,
            "partner_redirect_url": "https://partner.example/onboarding/done",
            "country": "DE",
            "allow_client_to_add_phone_no": true,
            "settings": {
                "partner_change_request": {"auto_approve": false},
                "account_sharing": null,
                "default_data_localization_region": null,
                "use_marketing_messages_api": false,
                "bearer_token_auth_disabled": false,
                "io_secure": {"io_signature_verification_enabled": false},
                "is_direct_360dialog_partner": true
            }
        })
    }
}

pub(crate) struct State {
    pub(crate) config: SandboxConfig,
    partners: Mutex<HashMap<String, PartnerRecord>>,
    tokens: Mutex<HashMap<String, Instant>>,
    faults: Mutex<VecDeque<Fault>>,
    stats: Mutex<Stats>,
    deliveries: Mutex<Vec<Delivery>>,
    /// What each delivery was sent with: its custom header names (values
    /// are not kept) and its signature.
    sent: Mutex<HashMap<String, Sent>>,
    /// Out-of-order deliveries waiting for their partner's next one to be sent.
    held: Mutex<Vec<(String, tokio::sync::oneshot::Sender<()>)>>,
    /// Every change to a delivery, for the page and `deliveries --follow`.
    #[cfg(feature = "page")]
    pub(crate) live: Arc<crate::live::Live>,
    /// The page's per-run token and the address it answers on.
    pub(crate) site: crate::guard::Site,
    http: reqwest::Client,
    runtime: tokio::runtime::Handle,
}

/// Why an event could not be emitted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EmitError {
    /// No such partner.
    #[error("partner not found")]
    NoSuchPartner,
    /// The partner has no webhook URL to deliver to.
    #[error("the partner has no webhook URL set")]
    NoWebhookUrl,
    /// The event name is empty.
    #[error("event must be a non-empty string")]
    EmptyEvent,
    /// `data` is not a JSON object.
    #[error("data must be a JSON object")]
    DataNotObject,
    /// No delivery with that id for this partner (resend).
    #[error("delivery not found")]
    NoSuchDelivery,
}

/// What a delivery was sent with, besides its body.
#[derive(Debug, Clone)]
pub(crate) struct Sent {
    pub(crate) header_names: Vec<String>,
    pub(crate) signature: String,
}

/// How a delivery goes out: faithful by default.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outgoing {
    pub(crate) tampering: Tampering,
    pub(crate) note: Option<String>,
    /// Instead of the sandbox's (the receiver check makes one attempt).
    pub(crate) policy: Option<DeliveryPolicy>,
    /// Faults asked for this delivery.
    pub(crate) faults: crate::delivery_faults::DeliveryFaults,
}

/// Whether a request may act on a partner.
pub(crate) enum Access {
    Allowed,
    Unauthenticated,
    Forbidden,
    NoSuchPartner,
}

impl State {
    pub(crate) fn new(config: SandboxConfig, addr: std::net::SocketAddr) -> Self {
        let mut partners = HashMap::new();
        partners.insert(
            config.partner_id.clone(),
            PartnerRecord::new(&config.partner_id, "Sandbox Partner"),
        );
        if config.other_partner_id != config.partner_id {
            partners.insert(
                config.other_partner_id.clone(),
                PartnerRecord::new(&config.other_partner_id, "Another Partner"),
            );
        }
        State {
            config,
            partners: Mutex::new(partners),
            tokens: Mutex::new(HashMap::new()),
            faults: Mutex::new(VecDeque::new()),
            stats: Mutex::new(Stats::default()),
            deliveries: Mutex::new(Vec::new()),
            sent: Mutex::new(HashMap::new()),
            held: Mutex::new(Vec::new()),
            #[cfg(feature = "page")]
            live: Arc::new(crate::live::Live::new()),
            site: crate::guard::Site::new(addr),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .user_agent("360dialog-partner-webhooks-sandbox")
                .build()
                .unwrap_or_default(),
            runtime: tokio::runtime::Handle::current(),
        }
    }

    /// Starts delivering `event` to the partner's webhook URL; returns the
    /// delivery as queued. The attempts run in the background.
    pub(crate) fn emit(
        self: &Arc<Self>,
        partner_id: &str,
        event: &str,
        data: Option<Value>,
    ) -> Result<Delivery, EmitError> {
        self.emit_with(partner_id, event, data, Default::default())
    }

    /// [`emit`](Self::emit) with faults for this delivery.
    pub(crate) fn emit_with(
        self: &Arc<Self>,
        partner_id: &str,
        event: &str,
        data: Option<Value>,
        faults: crate::delivery_faults::DeliveryFaults,
    ) -> Result<Delivery, EmitError> {
        if event.trim().is_empty() {
            return Err(EmitError::EmptyEvent);
        }
        if data.as_ref().is_some_and(|d| !d.is_object()) {
            return Err(EmitError::DataNotObject);
        }
        let id = uuid::Uuid::new_v4().to_string();
        let data = data.unwrap_or_else(|| crate::samples::sample_data(event, partner_id));
        let body = json!({ "id": id, "event": event, "data": data }).to_string();
        let out = Outgoing {
            faults,
            ..Outgoing::default()
        };
        self.deliver(partner_id, id, event, body, out)
    }

    /// Sends a delivery's exact body again, as a new delivery to the
    /// partner's current webhook URL and headers (the event keeps its `id`,
    /// so a receiver that de-duplicates skips it).
    pub(crate) fn resend(
        self: &Arc<Self>,
        partner_id: &str,
        delivery_id: &str,
    ) -> Result<Delivery, EmitError> {
        let old = self
            .delivery(delivery_id)
            .filter(|d| d.partner_id == partner_id)
            .ok_or(EmitError::NoSuchDelivery)?;
        let id = uuid::Uuid::new_v4().to_string();
        self.deliver(partner_id, id, &old.event, old.body, Outgoing::default())
    }

    /// Sends delivery `delivery_id` again as a new delivery: with `body`
    /// instead of its own (re-signed), and on purpose with a wrong signature
    /// or without the custom headers.
    #[cfg(feature = "page")]
    pub(crate) fn replay(
        self: &Arc<Self>,
        delivery_id: &str,
        body: Option<String>,
        tampering: Tampering,
    ) -> Result<Delivery, EmitError> {
        let old = self
            .delivery(delivery_id)
            .ok_or(EmitError::NoSuchDelivery)?;
        let mut what = vec![format!("replay of {delivery_id}")];
        if body.as_ref().is_some_and(|b| *b != old.body) {
            what.push("body edited and re-signed".into());
        }
        if tampering.wrong_signature {
            what.push("wrong signature".into());
        }
        if tampering.without_custom_headers {
            what.push("without the custom headers".into());
        }
        let out = Outgoing {
            tampering,
            note: Some(what.join(", ")),
            ..Outgoing::default()
        };
        let id = uuid::Uuid::new_v4().to_string();
        self.deliver(
            &old.partner_id,
            id,
            &old.event,
            body.unwrap_or(old.body),
            out,
        )
    }

    /// Queues `body` as delivery `id` and makes the attempts in the background.
    pub(crate) fn deliver(
        self: &Arc<Self>,
        partner_id: &str,
        id: String,
        event: &str,
        body: String,
        out: Outgoing,
    ) -> Result<Delivery, EmitError> {
        let (url, mut headers) = self
            .with_partner(partner_id, |p| {
                (p.webhook_url.clone(), p.webhook_headers.clone())
            })
            .ok_or(EmitError::NoSuchPartner)?;
        let url = url.ok_or(EmitError::NoWebhookUrl)?;
        let note = match (out.note, out.faults.any()) {
            (Some(n), true) => Some(format!("{n}; {}", out.faults.describe())),
            (None, true) => Some(out.faults.describe()),
            (n, false) => n,
        };
        let queued = Delivery {
            id: id.clone(),
            partner_id: partner_id.to_string(),
            event: event.to_string(),
            url: url.clone(),
            status: DeliveryStatus::Pending,
            attempts: Vec::new(),
            body: body.clone(),
            created_at_ms: delivery::now_ms(),
            note,
        };
        if out.tampering.without_custom_headers {
            headers.clear();
        }
        let secret = &self.config.platform_secret;
        let signature = if out.tampering.wrong_signature {
            delivery::signature(body.as_bytes(), &format!("not-{secret}"))
        } else {
            delivery::signature(body.as_bytes(), secret)
        };
        lock(&self.sent).insert(
            id.clone(),
            Sent {
                header_names: headers.keys().cloned().collect(),
                signature: signature.clone(),
            },
        );
        lock(&self.deliveries).push(queued.clone());
        self.publish(&queued);
        let held = out.faults.out_of_order;
        let gate = held.then(|| {
            let (tx, rx) = tokio::sync::oneshot::channel();
            lock(&self.held).push((partner_id.to_string(), tx));
            rx
        });
        let duplicate = out
            .faults
            .duplicate
            .then(|| (partner_id.to_string(), event.to_string(), body.clone()));
        let job = delivery::Job {
            id: id.clone(),
            url,
            headers,
            body,
            signature,
            policy: out.policy.unwrap_or(self.config.delivery),
            faults: out.faults,
            gate,
        };
        let (st1, st2) = (self.clone(), self.clone());
        let (id1, id2) = (id.clone(), id);
        let partner = partner_id.to_string();
        self.runtime.spawn(delivery::run(
            job,
            self.http.clone(),
            move |attempt| {
                // The partner's held deliveries go once this one has been sent.
                if attempt.attempt == 1 && !held {
                    st1.release_held(&partner);
                }
                st1.update_delivery(&id1, |d| d.attempts.push(attempt.clone()))
            },
            move |status| {
                st2.update_delivery(&id2, |d| d.status = status);
                if let Some((partner, event, body)) = duplicate {
                    let again = Outgoing {
                        note: Some(format!("duplicate of {id2} (fault)")),
                        ..Outgoing::default()
                    };
                    let _ = st2.deliver(
                        &partner,
                        uuid::Uuid::new_v4().to_string(),
                        &event,
                        body,
                        again,
                    );
                }
            },
        ));
        Ok(queued)
    }

    /// Lets `partner_id`'s out-of-order deliveries go.
    fn release_held(&self, partner_id: &str) {
        let mut held = lock(&self.held);
        let (go, wait): (Vec<_>, Vec<_>) = held.drain(..).partition(|(p, _)| p == partner_id);
        *held = wait;
        for (_, tx) in go {
            let _ = tx.send(());
        }
    }

    /// Records a change to a delivery for the page's live stream (with the
    /// `page` feature; nothing reads it without).
    fn publish(&self, _delivery: &Delivery) {
        #[cfg(feature = "page")]
        self.live.publish(_delivery);
    }

    fn update_delivery(&self, id: &str, f: impl FnOnce(&mut Delivery)) {
        let mut deliveries = lock(&self.deliveries);
        if let Some(d) = deliveries.iter_mut().find(|d| d.id == id) {
            f(d);
            // Under the lock: the log's order is the order of the changes.
            self.publish(d);
        }
    }

    /// Every delivery with what it was sent with (`GET /_sandbox/export`).
    pub(crate) fn export(&self) -> Vec<crate::fixtures::Recorded> {
        let sent = lock(&self.sent).clone();
        lock(&self.deliveries)
            .iter()
            .map(|d| {
                let s = sent.get(&d.id);
                crate::fixtures::Recorded {
                    delivery: d.clone(),
                    signature: s.map(|s| s.signature.clone()).unwrap_or_default(),
                    header_names: s.map(|s| s.header_names.clone()).unwrap_or_default(),
                }
            })
            .collect()
    }

    /// Adds recorded deliveries to the log as they were (nothing is sent);
    /// those whose id is already there are skipped. Returns (added, skipped).
    pub(crate) fn import(&self, recorded: Vec<crate::fixtures::Recorded>) -> (usize, usize) {
        let mut deliveries = lock(&self.deliveries);
        let mut sent = lock(&self.sent);
        let (mut added, mut skipped) = (0, 0);
        for r in recorded {
            if deliveries.iter().any(|d| d.id == r.delivery.id) {
                skipped += 1;
                continue;
            }
            sent.insert(
                r.delivery.id.clone(),
                Sent {
                    header_names: r.header_names,
                    signature: r.signature,
                },
            );
            self.publish(&r.delivery);
            deliveries.push(r.delivery);
            added += 1;
        }
        (added, skipped)
    }

    /// What delivery `id` was sent with.
    #[cfg(feature = "page")]
    pub(crate) fn sent_request(&self, id: &str) -> Option<Sent> {
        lock(&self.sent).get(id).cloned()
    }

    /// Waits until delivery `id` is no longer pending (or `timeout` passes)
    /// and returns it.
    pub(crate) async fn wait_for_delivery(&self, id: &str, timeout: Duration) -> Option<Delivery> {
        // A timeout past what an Instant holds waits as long as it takes.
        let deadline = tokio::time::Instant::now().checked_add(timeout);
        loop {
            let current = self.delivery(id);
            if !current.as_ref().is_none_or(Delivery::is_pending)
                || deadline.is_some_and(|d| tokio::time::Instant::now() >= d)
            {
                return current;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    pub(crate) fn delivery(&self, id: &str) -> Option<Delivery> {
        lock(&self.deliveries).iter().find(|d| d.id == id).cloned()
    }

    /// Deliveries, oldest first; only one partner's when given.
    pub(crate) fn deliveries(&self, partner_id: Option<&str>) -> Vec<Delivery> {
        lock(&self.deliveries)
            .iter()
            .filter(|d| partner_id.is_none_or(|p| d.partner_id == p))
            .cloned()
            .collect()
    }

    pub(crate) fn partner_exists(&self, partner_id: &str) -> bool {
        lock(&self.partners).contains_key(partner_id)
    }

    pub(crate) fn count(&self, route: &str) {
        *lock(&self.stats)
            .requests
            .entry(route.to_string())
            .or_default() += 1;
    }

    pub(crate) fn stats(&self) -> Stats {
        lock(&self.stats).clone()
    }

    pub(crate) fn add_fault(&self, fault: Fault) {
        lock(&self.faults).push_back(fault);
    }

    pub(crate) fn clear_faults(&self) -> usize {
        let mut f = lock(&self.faults);
        let n = f.len();
        f.clear();
        n
    }

    pub(crate) fn faults(&self) -> Vec<Fault> {
        lock(&self.faults).iter().cloned().collect()
    }

    /// Takes one use of the first fault matching `route`.
    pub(crate) fn take_fault(&self, route: &str) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let i = faults.iter().position(|f| f.matches(route))?;
        let fault = faults[i].clone();
        faults[i].times -= 1;
        if faults[i].times == 0 {
            faults.remove(i);
        }
        drop(faults);
        lock(&self.stats).faults_applied += 1;
        Some(fault)
    }

    pub(crate) fn issue_token(&self) -> String {
        let token = random_secret("sbxtok_", 24);
        // A lifetime past what an Instant holds: a century, as good as never.
        let now = Instant::now();
        let expires = now
            .checked_add(self.config.token_ttl)
            .unwrap_or(now + Duration::from_secs(100 * 365 * 86_400));
        lock(&self.tokens).insert(token.clone(), expires);
        lock(&self.stats).tokens_issued += 1;
        token
    }

    pub(crate) fn revoke_tokens(&self) -> usize {
        let mut t = lock(&self.tokens);
        let n = t.len();
        t.clear();
        n
    }

    pub(crate) fn token_valid(&self, token: &str) -> bool {
        lock(&self.tokens)
            .get(token)
            .is_some_and(|exp| Instant::now() < *exp)
    }

    /// Decides access from the credentials presented (`api_key` from
    /// `X-API-Key`, `bearer` from `Authorization`).
    pub(crate) fn access(
        &self,
        api_key: Option<&str>,
        bearer: Option<&str>,
        partner_id: &str,
    ) -> Access {
        let authenticated = api_key
            .is_some_and(|k| constant_time_eq(k.as_bytes(), self.config.api_key.as_bytes()))
            || bearer.is_some_and(|t| self.token_valid(t));
        if !authenticated {
            return Access::Unauthenticated;
        }
        if partner_id == self.config.partner_id {
            Access::Allowed
        } else if lock(&self.partners).contains_key(partner_id) {
            Access::Forbidden
        } else {
            Access::NoSuchPartner
        }
    }

    pub(crate) fn partner_settings(&self) -> Vec<PartnerSettings> {
        let mut out: Vec<PartnerSettings> = lock(&self.partners)
            .values()
            .map(|p| PartnerSettings {
                id: p.id.clone(),
                brand_name: p.brand_name.clone(),
                webhook_url: p.webhook_url.clone(),
                webhook_headers: p.webhook_headers.clone(),
            })
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    pub(crate) fn restore_partner_settings(&self, settings: Vec<PartnerSettings>) {
        let mut partners = lock(&self.partners);
        for s in settings {
            let record = partners
                .entry(s.id.clone())
                .or_insert_with(|| PartnerRecord::new(&s.id, &s.brand_name));
            record.brand_name = s.brand_name;
            record.webhook_url = s.webhook_url;
            record.webhook_headers = s.webhook_headers;
        }
    }

    pub(crate) fn with_partner<R>(
        &self,
        partner_id: &str,
        f: impl FnOnce(&mut PartnerRecord) -> R,
    ) -> Option<R> {
        lock(&self.partners).get_mut(partner_id).map(f)
    }
}

/// A poisoned lock only means another request panicked; the data is still usable.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Compares secrets in constant time.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}
