//! How results reach JavaScript: one queue per JavaScript thread (the main
//! thread, each worker thread) and one N-API threadsafe function that drains
//! it. A finished call queues its outcome and, when the queue was idle,
//! schedules one drain; the JS thread then settles every queued Promise in
//! one go.
//!
//! napi-rs's `Env::create_deferred` makes a threadsafe function per Promise
//! (a libuv async handle, a queue, a mutex, an async resource and a cleanup
//! hook, each made and torn down per call): about 2 KB for every pending
//! call and one loop wake-up per result. Here a pending call holds a
//! `napi_deferred` and a reference to its thread's queue, and results that
//! finish together share a wake-up.
//!
//! The threadsafe function keeps the event loop alive only while a Promise
//! it will settle is pending, as the per-Promise ones did. When the
//! environment tears down (a worker thread ends), Node finalizes it: the
//! queue is closed under its lock, and results that arrive later are dropped
//! with their Promises.

use std::cell::RefCell;
use std::ffi::c_void;
use std::ptr;
use std::sync::{Arc, Mutex, PoisonError};

use napi::bindgen_prelude::{Object, ToNapiValue};
use napi::{Env, JsError, Result, Status, sys};
use partner_webhooks_runtime::{CallError, RuntimeError};
use serde_json::Value;

use crate::error::BindingError;

/// A finished call waiting for the JS thread.
struct Done {
    deferred: sys::napi_deferred,
    outcome: std::result::Result<Value, BindingError>,
}

struct State {
    /// Null once Node has finalized it (the environment is gone).
    tsfn: sys::napi_threadsafe_function,
    items: Vec<Done>,
    /// A drain is scheduled and has not started yet.
    scheduled: bool,
}

// SAFETY: the raw pointers in `State` are only dereferenced by N-API: the
// threadsafe function is made to be called from any thread (under this
// mutex, which `finalize` takes before Node frees it), and each
// `napi_deferred` is used only on its environment's JS thread (in `drain`).
unsafe impl Send for State {}

/// One JavaScript thread's queue of finished calls.
struct Queue {
    state: Mutex<State>,
}

impl Queue {
    fn push(&self, done: Done) {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if s.tsfn.is_null() {
            return; // The environment is gone, and its Promises with it.
        }
        s.items.push(done);
        if !s.scheduled {
            // SAFETY: a live threadsafe function (not yet finalized: checked
            // under the lock `finalize` takes); non-blocking on an unbounded queue.
            let status = unsafe {
                sys::napi_call_threadsafe_function(
                    s.tsfn,
                    ptr::null_mut(),
                    sys::ThreadsafeFunctionCallMode::nonblocking,
                )
            };
            // `napi_closing`: the environment is tearing down; `finalize` frees the items.
            s.scheduled = status == sys::Status::napi_ok;
        }
    }
}

/// The queue of the environment running on this thread, and how many of its
/// Promises are pending (the loop is kept alive while there are any).
struct Local {
    env: sys::napi_env,
    queue: Arc<Queue>,
    pending: usize,
}

thread_local! {
    static LOCAL: RefCell<Option<Local>> = const { RefCell::new(None) };
}

/// Settles one Promise from any thread; made with the Promise by [`promise`].
/// Dropped unused (its call's task was dropped by a runtime shutting down),
/// it rejects the Promise rather than leave it pending forever.
pub(crate) struct Settler {
    queue: Arc<Queue>,
    deferred: sys::napi_deferred,
    settled: bool,
}

// SAFETY: the deferred is only handed back to the JS thread's queue.
unsafe impl Send for Settler {}

impl Settler {
    /// Queues the outcome for the Promise's JS thread.
    pub(crate) fn settle(mut self, outcome: std::result::Result<Value, BindingError>) {
        self.settled = true;
        self.queue.push(Done {
            deferred: self.deferred,
            outcome,
        });
    }
}

impl Drop for Settler {
    fn drop(&mut self) {
        if !self.settled {
            self.queue.push(Done {
                deferred: self.deferred,
                outcome: Err(BindingError(CallError::Runtime(RuntimeError::Shutdown))),
            });
        }
    }
}

/// A new Promise on this JS thread, and the [`Settler`] that settles it from
/// any thread.
pub(crate) fn promise<'env>(env: &'env Env) -> Result<(Settler, Object<'env>)> {
    let raw = env.raw();
    let mut deferred = ptr::null_mut();
    let mut promise = ptr::null_mut();
    // SAFETY: called on the JS thread of `env` (it is borrowed from a call).
    check(unsafe { sys::napi_create_promise(raw, &mut deferred, &mut promise) })?;
    let queue = LOCAL.with(|local| -> Result<Arc<Queue>> {
        let mut local = local.borrow_mut();
        let current = match local.as_mut() {
            Some(l) if l.env == raw => l,
            _ => local.insert(Local {
                env: raw,
                queue: new_queue(raw)?,
                pending: 0,
            }),
        };
        if current.pending == 0 {
            let tsfn = current
                .queue
                .state
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .tsfn;
            // SAFETY: on the JS thread of the environment that made it.
            check(unsafe { sys::napi_ref_threadsafe_function(raw, tsfn) })?;
        }
        current.pending += 1;
        Ok(current.queue.clone())
    })?;
    Ok((
        Settler {
            queue,
            deferred,
            settled: false,
        },
        Object::from_raw(raw, promise),
    ))
}

fn check(status: sys::napi_status) -> Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(napi::Error::new(
            Status::from(status),
            "could not set up the Promise of a call",
        ))
    }
}

/// This environment's queue and its threadsafe function (not keeping the
/// loop alive until a Promise is pending).
fn new_queue(env: sys::napi_env) -> Result<Arc<Queue>> {
    let queue = Arc::new(Queue {
        state: Mutex::new(State {
            tsfn: ptr::null_mut(),
            items: Vec::new(),
            scheduled: false,
        }),
    });
    let mut name = ptr::null_mut();
    const NAME: &str = "partner-webhooks:completions";
    // SAFETY: the JS thread of `env`; a string of the given length.
    check(unsafe {
        sys::napi_create_string_utf8(env, NAME.as_ptr().cast(), NAME.len() as isize, &mut name)
    })?;
    // One strong count for Node, given back in `finalize`.
    let context = Arc::into_raw(queue.clone()) as *mut c_void;
    let mut tsfn = ptr::null_mut();
    // SAFETY: the JS thread of `env`; `context` stays valid until `finalize`.
    let made = check(unsafe {
        sys::napi_create_threadsafe_function(
            env,
            ptr::null_mut(),
            ptr::null_mut(),
            name,
            0,
            1,
            context,
            Some(finalize),
            context,
            Some(drain),
            &mut tsfn,
        )
    });
    if let Err(e) = made {
        // SAFETY: Node did not take the count: give it back.
        drop(unsafe { Arc::from_raw(context as *const Queue) });
        return Err(e);
    }
    queue
        .state
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .tsfn = tsfn;
    // SAFETY: as above.
    check(unsafe { sys::napi_unref_threadsafe_function(env, tsfn) })?;
    Ok(queue)
}

/// On the JS thread: settles every queued Promise.
extern "C" fn drain(
    env: sys::napi_env,
    _js: sys::napi_value,
    context: *mut c_void,
    _: *mut c_void,
) {
    // Nothing may unwind into Node.
    let _ = std::panic::catch_unwind(|| {
        // SAFETY: `context` is the queue's strong count held until `finalize`.
        let queue = unsafe { &*(context as *const Queue) };
        let (items, tsfn) = {
            let mut s = queue.state.lock().unwrap_or_else(PoisonError::into_inner);
            s.scheduled = false;
            (std::mem::take(&mut s.items), s.tsfn)
        };
        if env.is_null() {
            return; // Teardown: no Promise is left to settle.
        }
        let n = items.len();
        for done in items {
            settle_one(env, done);
        }
        let idle = LOCAL.with(|local| match local.borrow_mut().as_mut() {
            Some(l) if l.env == env => {
                l.pending = l.pending.saturating_sub(n);
                l.pending == 0
            }
            _ => false,
        });
        if idle && !tsfn.is_null() {
            // SAFETY: the JS thread of `env`, which made the function.
            unsafe { sys::napi_unref_threadsafe_function(env, tsfn) };
        }
    });
}

fn settle_one(env: sys::napi_env, done: Done) {
    let value = match done.outcome {
        // SAFETY: the JS thread of `env`.
        Ok(v) => unsafe { Value::to_napi_value(env, v) },
        Err(e) => Err(napi::Error::from(e)),
    };
    // SAFETY: `deferred` belongs to `env` and is settled exactly once (it
    // was taken off the queue).
    unsafe {
        match value {
            Ok(v) => sys::napi_resolve_deferred(env, done.deferred, v),
            Err(e) => {
                sys::napi_reject_deferred(env, done.deferred, JsError::from(e).into_value(env))
            }
        };
    }
}

/// Node is done with the threadsafe function (its environment tears down):
/// close the queue, and forget this thread's state.
extern "C" fn finalize(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    let _ = std::panic::catch_unwind(|| {
        // SAFETY: the strong count `new_queue` gave to Node.
        let queue = unsafe { Arc::from_raw(data as *const Queue) };
        {
            let mut s = queue.state.lock().unwrap_or_else(PoisonError::into_inner);
            s.tsfn = ptr::null_mut();
            s.items.clear();
        }
        let _ = LOCAL.try_with(|local| {
            let mut local = local.borrow_mut();
            if local
                .as_ref()
                .is_some_and(|l| Arc::ptr_eq(&l.queue, &queue))
            {
                *local = None;
            }
        });
    });
}
