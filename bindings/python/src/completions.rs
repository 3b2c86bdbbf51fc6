//! The asyncio bridge: how results of `AsyncClient` calls reach the event
//! loop. A finished call queues its result and, when the queue was empty,
//! writes one byte to a socket whose other end the loop watches; the loop
//! thread then settles every queued future in one go, with the GIL it already
//! holds. No runtime thread ever waits for the GIL and no thread is started
//! per call (pyo3-async-runtimes took a blocking-pool thread per completion,
//! which grew the process to dozens of threads under load).
//!
//! The socket pair is made in Python (`socket.socketpair()`, which exists on
//! every OS: a Unix-domain pair on Linux and macOS, a loopback TCP pair on
//! Windows); the loop watches its read end with `loop.add_reader` where the
//! loop has it, or with a task awaiting `loop.sock_recv` where it has not
//! (Windows' default Proactor loop). This module keeps its own duplicate of
//! the write end, so that it never writes to a descriptor Python closed.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use pyo3::prelude::*;

use crate::error::BindingError;
use crate::reply::{Reply, into_py};

/// A finished call waiting for the loop.
struct Done {
    future: Py<PyAny>,
    result: Result<Reply, BindingError>,
}

/// The write end of the loop's wake-up socket pair (our own duplicate).
#[cfg(unix)]
type WakeSocket = std::os::unix::net::UnixStream;
#[cfg(windows)]
type WakeSocket = std::net::TcpStream;

/// Duplicates the socket Python passed (`wsock.fileno()`), so that this side
/// owns what it writes to.
#[cfg(unix)]
fn own_socket(fileno: i64) -> std::io::Result<WakeSocket> {
    use std::os::fd::{BorrowedFd, RawFd};
    let fd = RawFd::try_from(fileno).map_err(|_| std::io::ErrorKind::InvalidInput)?;
    // SAFETY: the caller passes the descriptor of a socket it keeps open for
    // the duration of this call; it is only borrowed to duplicate it.
    let owned = unsafe { BorrowedFd::borrow_raw(fd) }.try_clone_to_owned()?;
    Ok(WakeSocket::from(owned))
}

#[cfg(windows)]
fn own_socket(fileno: i64) -> std::io::Result<WakeSocket> {
    use std::os::windows::io::{BorrowedSocket, RawSocket};
    let socket = RawSocket::try_from(fileno).map_err(|_| std::io::ErrorKind::InvalidInput)?;
    // SAFETY: as above: a live socket, borrowed only to duplicate it.
    let owned = unsafe { BorrowedSocket::borrow_raw(socket) }.try_clone_to_owned()?;
    Ok(WakeSocket::from(owned))
}

struct Shared {
    queue: Mutex<Vec<Done>>,
    wake: WakeSocket,
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
            // A full socket buffer (WouldBlock) already means "wake up", and a
            // closed loop has nobody to wake: nothing to retry either way.
            let _ = (&self.wake).write(&[1u8]);
        }
    }

    /// Takes the queue. The loop empties its socket before calling this, so a
    /// result queued after the take writes a new byte: none is left behind.
    fn take(&self) -> Vec<Done> {
        std::mem::take(&mut *self.queue.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// One per event loop (made by `partner_webhooks._client`): the queue of
/// finished calls and the socket that wakes the loop.
#[pyclass(module = "partner_webhooks._native", frozen)]
pub struct Completions {
    shared: Arc<Shared>,
}

#[pymethods]
impl Completions {
    /// `wake`: the `fileno()` of the write end of a non-blocking socket pair
    /// whose read end the loop watches.
    #[new]
    fn new(wake: i64) -> PyResult<Self> {
        let wake = own_socket(wake)?;
        wake.set_nonblocking(true)?;
        Ok(Completions {
            shared: Arc::new(Shared {
                queue: Mutex::new(Vec::new()),
                wake,
            }),
        })
    }

    /// Settles every finished call's future (skipping cancelled ones). Runs
    /// on the loop thread, after the loop emptied its end of the socket.
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
