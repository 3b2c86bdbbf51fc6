//! `NativeClient`: the Partner API client for JavaScript; `src/client.ts`
//! wraps it in `PartnerClient`. Every operation goes through the one dispatch
//! of the core (`PartnerClient::invoke`), named by its table name, so an
//! operation added to the core's table needs nothing here. Every request runs
//! on the shared runtime and resolves a deferred Promise from there; nothing
//! runs on a runtime owned by napi.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use napi::bindgen_prelude::Object;
use napi::{Env, Result};
use napi_derive::napi;
use partner_webhooks::config::millis;
use partner_webhooks::operations::Operation;
use partner_webhooks::settings::camel_case;
use partner_webhooks::{
    ClientConfigBuilder, ClientSettings, Error as CoreError, JsonBody, PartnerClient,
    RequestOptions, Response,
};
use serde_json::{Value, json};
use tokio::sync::Notify;

use crate::error::{BindingError, BindingResult};

/// `ClientOptions` for JavaScript, made from the core's one list of settings
/// (`for_each_client_setting!`): a field per setting (durations in
/// milliseconds, named `...Ms`; numbers as JavaScript numbers; the token
/// provider is a separate argument), and its conversion to the core's.
macro_rules! node_client_options {
    (@fields [$($fields:tt)*]) => {
        /// Client settings (the core's `ClientSettings`, durations in milliseconds).
        /// Give one of `apiKey` (default: `PARTNER_API_KEY`), `bearerToken`,
        /// `username` + `password` or a token provider; anything absent falls back to
        /// the `PARTNER_API_*` variables and the defaults.
        #[napi(object)]
        pub struct ClientOptions { $($fields)* }
    };
    (@fields [$($fields:tt)*] $(#[$a:meta])* $n:ident / $secs:ident / $ms:ident : $ty:ty = Callback, env $e:expr, $s:literal; $($rest:tt)*) => {
        node_client_options!(@fields [$($fields)*] $($rest)*);
    };
    // Numbers as JavaScript numbers (checked on the way in), text as strings.
    (@fields [$($fields:tt)*] $(#[$a:meta])* $n:ident / $secs:ident / $ms:ident : $ty:ty = Duration, env $e:expr, $s:literal; $($rest:tt)*) => {
        node_client_options!(@fields [$($fields)* $(#[$a])* pub $ms: Option<f64>,] $($rest)*);
    };
    (@fields [$($fields:tt)*] $(#[$a:meta])* $n:ident / $secs:ident / $ms:ident : $ty:ty = Count, env $e:expr, $s:literal; $($rest:tt)*) => {
        node_client_options!(@fields [$($fields)* $(#[$a])* pub $ms: Option<f64>,] $($rest)*);
    };
    (@fields [$($fields:tt)*] $(#[$a:meta])* $n:ident / $secs:ident / $ms:ident : $ty:ty = Flag, env $e:expr, $s:literal; $($rest:tt)*) => {
        node_client_options!(@fields [$($fields)* $(#[$a])* pub $ms: Option<bool>,] $($rest)*);
    };
    (@fields [$($fields:tt)*] $(#[$a:meta])* $n:ident / $secs:ident / $ms:ident : $ty:ty = $kind:ident, env $e:expr, $s:literal; $($rest:tt)*) => {
        node_client_options!(@fields [$($fields)* $(#[$a])* pub $ms: Option<String>,] $($rest)*);
    };
    ($( $(#[$a:meta])* $name:ident / $secs:ident / $ms:ident : $ty:ty = $kind:ident, env $env:expr, $summary:literal; )*) => {
        node_client_options!(@fields [] $( $(#[$a])* $name / $secs / $ms : $ty = $kind, env $env, $summary; )*);

        impl ClientOptions {
            /// The core's settings, with `token_provider`; a value of the
            /// wrong range is refused naming the option as JavaScript spells it.
            fn into_core(
                self,
                token_provider: Option<Arc<dyn partner_webhooks::TokenProvider>>,
            ) -> BindingResult<ClientSettings> {
                Ok(ClientSettings {
                    $( $name: node_setting_to_core!($kind, self, $ms, token_provider), )*
                })
            }
        }
    };
}

/// A setting as the core takes it (milliseconds and whole numbers checked).
macro_rules! node_setting_to_core {
    (Callback, $self:ident, $f:ident, $provider:ident) => {
        $provider
    };
    (Duration, $self:ident, $f:ident, $provider:ident) => {
        ms(&camel_case(stringify!($f)), $self.$f)?
    };
    (Count, $self:ident, $f:ident, $provider:ident) => {
        count(&camel_case(stringify!($f)), $self.$f)?
    };
    ($kind:ident, $self:ident, $f:ident, $provider:ident) => {
        $self.$f
    };
}

partner_webhooks::for_each_client_setting!(node_client_options);

/// Per-call overrides (the core's `RequestOptions`, durations in milliseconds).
#[napi(object)]
pub struct CallOptions {
    /// Budget for this call, retries included.
    pub timeout_ms: Option<f64>,
    /// Retries for this call.
    pub max_retries: Option<f64>,
    /// Limit for one attempt of this call.
    pub attempt_timeout_ms: Option<f64>,
}

/// Milliseconds from JavaScript as a duration, refused with the option's name.
fn ms(field: &str, value: Option<f64>) -> BindingResult<Option<Duration>> {
    Ok(value.map(|v| millis(field, v)).transpose()?)
}

/// A whole number from JavaScript as `u32`, refused with the option's name.
fn count(field: &str, value: Option<f64>) -> BindingResult<Option<u32>> {
    value
        .map(|n| {
            if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) {
                Ok(n as u32)
            } else {
                Err(CoreError::invalid_input(
                    field,
                    format!("must be a whole number >= 0 (got {n})"),
                )
                .into())
            }
        })
        .transpose()
}

impl CallOptions {
    fn into_core(self) -> BindingResult<RequestOptions> {
        Ok(RequestOptions {
            timeout: ms("timeoutMs", self.timeout_ms)?,
            max_retries: count("maxRetries", self.max_retries)?,
            attempt_timeout: ms("attemptTimeoutMs", self.attempt_timeout_ms)?,
        })
    }
}

/// A cancellation flag shared with one in-flight call (fed by an AbortSignal).
#[napi]
pub struct CancelToken {
    state: Arc<(AtomicBool, Notify)>,
}

#[napi]
impl CancelToken {
    #[napi(constructor)]
    pub fn new() -> Self {
        CancelToken {
            state: Arc::new((AtomicBool::new(false), Notify::new())),
        }
    }

    /// Cancels the call: its request is dropped and its Promise rejects.
    #[napi]
    pub fn cancel(&self) {
        self.state.0.store(true, Ordering::SeqCst);
        self.state.1.notify_waiters();
    }
}

impl Default for CancelToken {
    fn default() -> Self {
        Self::new()
    }
}

async fn cancelled(state: Arc<(AtomicBool, Notify)>) {
    loop {
        let notified = state.1.notified();
        if state.0.load(Ordering::SeqCst) {
            return;
        }
        notified.await;
    }
}

pin_project_lite::pin_project! {
    /// `work`'s output, or `None` once `cancel` ends first. A struct, not an
    /// `async` block around `tokio::select!`: that held `work` twice in its
    /// state (3,280 bytes per pending call instead of about half).
    struct UntilCancelled<W, C> {
        #[pin]
        work: W,
        #[pin]
        cancel: Option<C>,
    }
}

impl<W: Future, C: Future<Output = ()>> Future for UntilCancelled<W, C> {
    type Output = Option<W::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        // A cancelled token wins over an answer that arrives at the same time.
        if let Some(cancel) = this.cancel.as_pin_mut() {
            if cancel.poll(cx).is_ready() {
                return Poll::Ready(None);
            }
        }
        this.work.poll(cx).map(Some)
    }
}

/// `{status, headers, traceId, attempts, body}` with the body the JSON text
/// exactly as the API sent it (the package parses it with `JSON.parse`).
fn reply(r: Response<JsonBody>) -> Value {
    let (status, trace_id, attempts) = (r.status(), r.trace_id().map(str::to_string), r.attempts());
    // One string per queued reply (the package splits it): a map per call
    // cost ~1 KB each while thousands of finished calls wait for the JS thread.
    let headers = r.header_lines();
    json!({"status": status, "headers": headers, "traceId": trace_id, "attempts": attempts, "body": r.data().as_str()})
}

/// The native client. Use `PartnerClient` from the package instead.
#[napi]
pub struct NativeClient {
    client: PartnerClient,
    /// The `logger` option's sink; the client's calls are scoped to it.
    logger: Option<crate::logger::Registration>,
}

#[napi]
impl NativeClient {
    #[napi(constructor)]
    pub fn new(
        env: Env,
        options: ClientOptions,
        #[napi(
            ts_arg_type = "(refresh: boolean) => Promise<string | { accessToken: string; expiresIn?: number }>"
        )]
        token_provider: Option<crate::token_provider::JsTokenProvider>,
        #[napi(
            ts_arg_type = "(record: { level: string; message: string; fields: Record<string, unknown>; target: string }) => void"
        )]
        logger: Option<crate::logger::JsLogger>,
        log_level: Option<String>,
    ) -> Result<Self> {
        let token_provider =
            token_provider.map(|p| Arc::new(crate::token_provider::TokenProviderFn::new(p)) as _);
        let settings = options.into_core(token_provider)?;
        let config = ClientConfigBuilder::from_env()
            .settings(settings)
            .user_agent_suffix(node_version(&env))
            .build()
            .map_err(BindingError::from)?;
        let logger = match logger {
            Some(f) => crate::logger::Registration::new(f, log_level.as_deref())
                .map_err(BindingError::from)?,
            None => None,
        };
        Ok(NativeClient {
            client: PartnerClient::new(config).map_err(BindingError::from)?,
            logger,
        })
    }

    /// The configuration with secrets redacted (for `util.inspect`).
    #[napi]
    pub fn describe(&self) -> String {
        let c = self.client.config();
        format!(
            "PartnerClient {{ baseUrl: '{}', credentials: {:?}, timeoutMs: {}, maxRetries: {} }}",
            c.base_url_str(),
            c.credentials(),
            c.timeout().as_millis(),
            c.max_retries()
        )
    }

    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.client.config().base_url_str().to_string()
    }

    #[napi(getter)]
    pub fn timeout_ms(&self) -> f64 {
        self.client.config().timeout().as_secs_f64() * 1000.0
    }

    #[napi(getter)]
    pub fn max_retries(&self) -> u32 {
        self.client.config().max_retries()
    }

    /// The resolved configuration without secrets (keys: the core's setting names).
    #[napi(ts_return_type = "Record<string, unknown>")]
    pub fn config(&self) -> Value {
        serde_json::to_value(self.client.config().summary()).unwrap_or_default()
    }

    /// Runs the operation `op` (its name in the core's table, e.g.
    /// `set_webhook_url`) with `args` in parameter order, on the shared runtime.
    #[napi(
        ts_return_type = "Promise<{ status: number; headers: string; traceId: string | null; attempts: number; body: string }>"
    )]
    pub fn call<'env>(
        &self,
        env: &'env Env,
        op: String,
        args: Vec<Value>,
        options: Option<CallOptions>,
        cancel: Option<&CancelToken>,
    ) -> Result<Object<'env>> {
        let op = Operation::from_name(&op)
            .ok_or_else(|| BindingError::from(partner_webhooks::client::unknown_operation(&op)))?;
        let options = match options {
            Some(o) => o.into_core()?,
            None => RequestOptions::default(),
        };
        let client = self.client.with_options(options);
        let sink = self.logger.as_ref().map(|l| l.id());
        settle(
            env,
            cancel,
            partner_webhooks_runtime::logs::scoped(sink, async move {
                client.invoke(op, args).await.map(reply)
            }),
        )
    }
}

/// A Promise settled from the shared runtime with `work`'s outcome; a
/// cancelled token rejects it with `APIUserAbortError` and drops the work.
///
/// `work` lives in one task (with the cancellation beside it); a second,
/// small task settles the Promise when it ends (`spawn_with`), so a pending
/// call holds one copy of its future, not two. Results reach the JS thread
/// through its queue (`completions.rs`).
pub(crate) fn settle<'env, F>(
    env: &'env Env,
    cancel: Option<&CancelToken>,
    work: F,
) -> Result<Object<'env>>
where
    F: Future<Output = std::result::Result<Value, CoreError>> + Send + 'static,
{
    let work = UntilCancelled {
        work,
        cancel: cancel.map(|c| cancelled(c.state.clone())),
    };
    // Checked first: once the Promise exists, every outcome goes through it
    // (should spawning fail after all, the dropped settler rejects it).
    partner_webhooks_runtime::runtime().map_err(BindingError::from)?;
    let (settler, promise) = crate::completions::promise(env)?;
    let _ = partner_webhooks_runtime::spawn_with(work, move |out| {
        settler.settle(match out {
            Ok(Some(r)) => r.map_err(BindingError::from),
            Ok(None) => Err(BindingError(partner_webhooks_runtime::CallError::Cancelled)),
            Err(e) => Err(BindingError::from(e)),
        })
    });
    Ok(promise)
}

/// `node/20.19.2` (Bun and Deno report the Node version they implement).
fn node_version(env: &Env) -> String {
    env.get_node_version()
        .map(|v| format!("node/{}.{}.{}", v.major, v.minor, v.patch))
        .unwrap_or_else(|_| "node".into())
}
