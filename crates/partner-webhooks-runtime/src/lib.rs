//! The one process-wide tokio runtime shared by every partner-webhooks binding.
//!
//! A `reqwest` client must do all of its I/O on a single runtime, and foreign
//! callers (asyncio, Node's event loop, Kotlin coroutines, Swift tasks) have no
//! tokio runtime of their own. Every binding therefore sends its futures here:
//!
//! * [`run`] spawns a future on the shared runtime and awaits the result from
//!   *any* executor (the join handle is executor-agnostic);
//! * [`block_on`] blocks a plain thread on a future, and refuses (instead of
//!   deadlocking or panicking) when called from inside an async context;
//! * both refuse with [`RuntimeError::Forked`] in a child process created by
//!   `fork()` after the runtime started, because the runtime's worker threads
//!   do not survive a fork and a call would hang forever.
//!
//! Panics inside the future never unwind into the caller: they come back as
//! [`RuntimeError::Panicked`].
//!
//! ```
//! let answer = partner_webhooks_runtime::block_on(async { 40 + 2 }).unwrap();
//! assert_eq!(answer, 42);
//! ```

use std::any::Any;
use std::future::Future;
use std::sync::OnceLock;

use tokio::runtime::{Builder, Runtime};

mod errors;
#[cfg(feature = "host-log")]
pub mod logs;
pub mod surface;
pub use errors::{
    CallError, ERROR_CLASSES, ErrorClass, client_message_in, error_kinds, spell_field,
};

/// Name given to every worker thread of the shared runtime.
pub const THREAD_NAME: &str = "partner-webhooks-rt";

/// Number of worker threads: small and fixed, the work is I/O-bound.
pub const WORKER_THREADS: usize = 2;

/// Why the shared runtime could not run a future.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RuntimeError {
    /// The process was forked after the runtime started; its threads are gone
    /// in this child. Create clients in the child only, or call before forking.
    #[error(
        "the partner-webhooks runtime was started in process {parent} and cannot be used in forked child {child}; \
         create clients after fork() or use a spawn-based multiprocessing start method"
    )]
    Forked {
        /// Process id that built the runtime.
        parent: u32,
        /// Process id of the caller.
        child: u32,
    },
    /// `block_on` was called from a thread that is already driving an async
    /// runtime, where blocking would deadlock. Use the async API instead.
    #[error(
        "a blocking partner-webhooks call was made from inside an async context; use the async API instead"
    )]
    InsideAsyncContext,
    /// The future panicked; the panic was contained on the runtime.
    #[error("internal error: a partner-webhooks task panicked: {0}")]
    Panicked(String),
    /// The task was cancelled because the runtime is shutting down.
    #[error("the partner-webhooks runtime is shutting down")]
    Shutdown,
    /// The operating system refused to start the runtime's threads.
    #[error("could not start the partner-webhooks runtime: {0}")]
    Start(String),
}

struct Shared {
    runtime: Runtime,
    pid: u32,
}

static SHARED: OnceLock<Result<Shared, RuntimeError>> = OnceLock::new();

/// The environment variable that turns on the SDK's logs in the language
/// bindings: a `tracing` targets filter such as `trace` or `partner_webhooks=debug,warn`;
/// lines go to stderr. Read once, when the runtime starts. Secrets are
/// redacted in every log line (the core never formats one).
pub const LOG_ENV: &str = "PARTNER_WEBHOOKS_LOG";

/// Installs, once, the process's `tracing` subscriber: the stderr lines of
/// [`LOG_ENV`] when it is set (a bad filter is reported once on stderr), and
/// the host-language sinks of [`logs`]. Does nothing when the program
/// already installed a subscriber of its own.
pub fn install_subscriber() {
    #[cfg(any(feature = "stderr-log", feature = "host-log"))]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            use tracing_subscriber::layer::SubscriberExt;
            use tracing_subscriber::util::SubscriberInitExt;
            let registry = tracing_subscriber::registry();
            // With PARTNER_WEBHOOKS_LOG, each layer has its own filter. Without
            // it the host layer is alone and its filter is the subscriber's:
            // then a span or event that no sink wants is never built (tracing
            // builds every span some per-layer filter might want).
            #[cfg(feature = "stderr-log")]
            if let Some(stderr) = stderr_layer() {
                let registry = registry.with(stderr);
                #[cfg(feature = "host-log")]
                let registry = registry.with(logs::filtered_layer());
                let _ = registry.try_init();
                return;
            }
            #[cfg(feature = "host-log")]
            let _ = registry.with(logs::layer()).try_init();
            #[cfg(not(feature = "host-log"))]
            let _ = registry;
        });
    }
}

/// The `PARTNER_WEBHOOKS_LOG` lines on stderr, filtered by its value; `None`
/// when it is unset or unusable.
#[cfg(feature = "stderr-log")]
fn stderr_layer<S>() -> Option<impl tracing_subscriber::Layer<S>>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    use tracing_subscriber::Layer;
    let filter = std::env::var(LOG_ENV).ok()?;
    match filter.parse::<tracing_subscriber::filter::Targets>() {
        Ok(filter) => Some(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(false)
                .with_filter(filter),
        ),
        Err(e) => {
            eprintln!("partner-webhooks: ignoring {LOG_ENV}: {e}");
            None
        }
    }
}

fn shared() -> Result<&'static Shared, RuntimeError> {
    let shared = SHARED
        .get_or_init(|| {
            install_subscriber();
            Builder::new_multi_thread()
                .worker_threads(WORKER_THREADS)
                .thread_name(THREAD_NAME)
                .enable_all()
                .build()
                .map(|runtime| Shared {
                    runtime,
                    pid: std::process::id(),
                })
                .map_err(|e| RuntimeError::Start(e.to_string()))
        })
        .as_ref()
        .map_err(Clone::clone)?;
    let child = std::process::id();
    if child != shared.pid {
        return Err(RuntimeError::Forked {
            parent: shared.pid,
            child,
        });
    }
    Ok(shared)
}

/// The shared runtime, built on first use.
///
/// Fails in a forked child (see [`RuntimeError::Forked`]).
///
/// ```
/// let rt = partner_webhooks_runtime::runtime().unwrap();
/// let handle = rt.spawn(async { "on the shared runtime" });
/// assert_eq!(partner_webhooks_runtime::block_on(handle).unwrap().unwrap(), "on the shared runtime");
/// ```
pub fn runtime() -> Result<&'static Runtime, RuntimeError> {
    shared().map(|s| &s.runtime)
}

/// Runs `fut` on the shared runtime and awaits its output from any executor.
///
/// Dropping the returned future aborts the task on the runtime, so a
/// cancelled foreign await (an asyncio task, a Kotlin coroutine) drops the
/// Rust future too.
///
/// ```
/// # partner_webhooks_runtime::block_on(async {
/// let n = partner_webhooks_runtime::run(async { 2 * 21 }).await.unwrap();
/// assert_eq!(n, 42);
/// # }).unwrap();
/// ```
pub async fn run<F>(fut: F) -> Result<F::Output, RuntimeError>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handle = runtime()?.spawn(fut);
    let mut guard = AbortOnDrop(Some(handle.abort_handle()));
    let result = handle.await;
    guard.0 = None; // finished: nothing left to abort
    result.map_err(|e| {
        if e.is_panic() {
            RuntimeError::Panicked(panic_message(e.into_panic()))
        } else {
            RuntimeError::Shutdown
        }
    })
}

/// Spawns `fut` on the shared runtime and hands its outcome to `done`, on a
/// runtime thread: its output, or [`RuntimeError::Panicked`] when it
/// panicked. Returns the handle that cancels it; a cancelled task drops `fut`
/// and `done` without calling `done`. For bindings that settle a foreign
/// future themselves (Python's asyncio bridge) instead of awaiting.
///
/// ```
/// let (tx, rx) = std::sync::mpsc::channel();
/// partner_webhooks_runtime::spawn_with(async { 6 * 7 }, move |out| tx.send(out.unwrap()).unwrap()).unwrap();
/// assert_eq!(rx.recv().unwrap(), 42);
/// ```
pub fn spawn_with<F, D>(fut: F, done: D) -> Result<tokio::task::AbortHandle, RuntimeError>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
    D: FnOnce(Result<F::Output, RuntimeError>) + Send + 'static,
{
    let rt = runtime()?;
    let task = rt.spawn(fut);
    let abort = task.abort_handle();
    rt.spawn(async move {
        match task.await {
            Ok(out) => done(Ok(out)),
            Err(e) if e.is_panic() => {
                done(Err(RuntimeError::Panicked(panic_message(e.into_panic()))))
            }
            Err(_) => {} // cancelled through the handle: nobody waits for it
        }
    });
    Ok(abort)
}

/// Blocks the current thread until `fut` has run to completion on the shared
/// runtime.
///
/// Returns [`RuntimeError::InsideAsyncContext`] instead of deadlocking when the
/// calling thread is itself driving a tokio runtime.
///
/// ```
/// let v = partner_webhooks_runtime::block_on(async { vec![1, 2, 3] }).unwrap();
/// assert_eq!(v.len(), 3);
/// ```
pub fn block_on<F>(fut: F) -> Result<F::Output, RuntimeError>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(RuntimeError::InsideAsyncContext);
    }
    let rt = runtime()?;
    rt.block_on(run(fut))
}

struct AbortOnDrop(Option<tokio::task::AbortHandle>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(handle) = self.0.take() {
            handle.abort();
        }
    }
}

fn panic_message(payload: Box<dyn Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    fn current_thread_name() -> String {
        std::thread::current().name().unwrap_or("").to_string()
    }

    #[test]
    fn block_on_runs_on_named_runtime_threads() {
        let name = block_on(async { current_thread_name() }).unwrap();
        assert_eq!(name, THREAD_NAME);
    }

    #[test]
    fn run_works_from_a_foreign_executor() {
        // A current-thread runtime that is not ours stands in for asyncio/napi.
        let foreign = Builder::new_current_thread().enable_all().build().unwrap();
        let name = foreign.block_on(run(async {
            tokio::time::sleep(Duration::from_millis(5)).await;
            current_thread_name()
        }));
        assert_eq!(name.unwrap(), THREAD_NAME);
    }

    #[test]
    fn block_on_inside_async_context_is_an_error_not_a_deadlock() {
        let foreign = Builder::new_current_thread().build().unwrap();
        let result = foreign.block_on(async { block_on(async { 1 }) });
        assert_eq!(result, Err(RuntimeError::InsideAsyncContext));
        // Also from a task of the shared runtime itself.
        let nested = block_on(async { block_on(async { 1 }) }).unwrap();
        assert_eq!(nested, Err(RuntimeError::InsideAsyncContext));
    }

    #[test]
    fn panics_are_contained_and_the_runtime_keeps_working() {
        let err = block_on(async {
            if current_thread_name() == THREAD_NAME {
                panic!("boom in a task");
            }
            0
        })
        .unwrap_err();
        assert_eq!(err, RuntimeError::Panicked("boom in a task".into()));
        assert_eq!(block_on(async { 7 }).unwrap(), 7);
    }

    #[test]
    fn dropping_run_aborts_the_task() {
        let finished = Arc::new(AtomicBool::new(false));
        let flag = finished.clone();
        let foreign = Builder::new_current_thread().enable_all().build().unwrap();
        foreign.block_on(async {
            let slow = run(async move {
                tokio::time::sleep(Duration::from_millis(300)).await;
                flag.store(true, Ordering::SeqCst);
            });
            // Give up on it after 20 ms: the Rust future must be dropped.
            let _ = tokio::time::timeout(Duration::from_millis(20), slow).await;
            tokio::time::sleep(Duration::from_millis(500)).await;
        });
        assert!(
            !finished.load(Ordering::SeqCst),
            "task ran on after its caller dropped it"
        );
    }

    #[test]
    fn forked_child_gets_a_clear_error() {
        // Make sure the runtime exists in the parent first.
        assert_eq!(block_on(async { 1 }).unwrap(), 1);
        // SAFETY: the child only calls async-signal-tolerant code paths of ours
        // (getpid + a comparison) and then `_exit`s without unwinding.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            let code = match block_on(async { 1 }) {
                Err(RuntimeError::Forked { .. }) => 0,
                _ => 1,
            };
            unsafe { libc::_exit(code) };
        }
        let mut status = 0;
        let waited = unsafe { libc::waitpid(pid, &mut status, 0) };
        assert_eq!(waited, pid);
        assert!(libc::WIFEXITED(status), "child did not exit normally");
        assert_eq!(
            libc::WEXITSTATUS(status),
            0,
            "child did not see RuntimeError::Forked"
        );
        // The parent is unaffected.
        assert_eq!(block_on(async { 2 }).unwrap(), 2);
    }
}
