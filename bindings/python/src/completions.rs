//! The asyncio bridge: how results of `AsyncClient` calls reach the event
//! loop. A finished call queues its result and, when the queue was empty,
//! writes one byte to a pipe the loop watches (`loop.add_reader`); the loop
//! thread then settles every queued future in one go, with the GIL it
//! already holds. No runtime thread ever waits for the GIL and no thread is
//! started per call (pyo3-async-runtimes took a blocking-pool thread per
//! completion, which grew the process to dozens of threads under load).

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::{Arc, Mutex, PoisonError};

use pyo3::prelude::*;

use crate::error::BindingError;
use crate::reply::{Reply, into_py};

/// A finished call waiting for the loop.
struct Done {
    future: Py<PyAny>,
    result: Result<Reply, BindingError>,
}

struct Shared {
    queue: Mutex<Vec<Done>>,
    read: OwnedFd,
    write: OwnedFd,
}

impl Shared {
    /// Queues a result; wakes the loop when it is the first since the last drain.
    fn push(&self, done: Done) {
        let was_empty = {
            let mut q = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
            q.push(done);
            q.len() == 1
        };
        if was_empty {
            // A full pipe (EAGAIN) already means "wake up": nothing to retry.
            // SAFETY: a valid, open, non-blocking fd owned by `self`; one byte from a live buffer.
            unsafe { libc::write(self.write.as_raw_fd(), [1u8].as_ptr().cast(), 1) };
        }
    }

    /// Empties the pipe, then takes the queue (in this order: a result queued
    /// after the take writes a new byte, so none is ever left behind).
    fn take(&self) -> Vec<Done> {
        let mut buf = [0u8; 256];
        // SAFETY: valid, open, non-blocking fd owned by `self`; `buf` is writable for its length.
        while unsafe { libc::read(self.read.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) } > 0 {
        }
        std::mem::take(&mut *self.queue.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// One per event loop (made by `partner_webhooks._client`): the queue of
/// finished calls and the pipe that wakes the loop.
#[pyclass(module = "partner_webhooks._native", frozen)]
pub struct Completions {
    shared: Arc<Shared>,
}

#[pymethods]
impl Completions {
    #[new]
    fn new() -> PyResult<Self> {
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors pipe2 writes.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) } != 0 {
            return Err(std::io::Error::last_os_error().into());
        }
        // SAFETY: pipe2 succeeded: both are new descriptors nobody else owns.
        let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        Ok(Completions {
            shared: Arc::new(Shared {
                queue: Mutex::new(Vec::new()),
                read,
                write,
            }),
        })
    }

    /// The descriptor the loop watches (`loop.add_reader(c.fileno(), c.drain)`).
    fn fileno(&self) -> i32 {
        self.shared.read.as_raw_fd()
    }

    /// Settles every finished call's future (skipping cancelled ones). Runs
    /// on the loop thread.
    fn drain(&self, py: Python<'_>) -> PyResult<()> {
        for Done { future, result } in self.shared.take() {
            let future = future.bind(py);
            if future.call_method0("done")?.is_truthy()? {
                continue; // cancelled meanwhile
            }
            let outcome = match result {
                Ok(reply) => into_py(py, reply),
                Err(e) => Err(e.into()),
            };
            match outcome {
                Ok(value) => future.call_method1("set_result", (value,))?,
                Err(e) => future.call_method1("set_exception", (e.into_value(py),))?,
            };
        }
        Ok(())
    }
}

impl Completions {
    /// Where a call spawned on the runtime delivers its result.
    pub(crate) fn deliver(
        &self,
        future: Py<PyAny>,
    ) -> impl FnOnce(Result<Reply, BindingError>) + Send + 'static {
        let shared = Arc::clone(&self.shared);
        move |result| shared.push(Done { future, result })
    }
}

/// Cancels a call in flight (the loop's future was cancelled).
#[pyclass(module = "partner_webhooks._native", frozen)]
pub struct CallHandle(pub(crate) tokio::task::AbortHandle);

#[pymethods]
impl CallHandle {
    /// Stops the request; its future is left as the loop cancelled it.
    fn cancel(&self) {
        self.0.abort();
    }
}
