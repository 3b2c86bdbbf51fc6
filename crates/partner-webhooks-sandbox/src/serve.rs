//! A small HTTP/1.1 server handle: graceful stop on request or on drop. Used
//! by the sandbox and by the CLI's listener. Built on hyper directly (not
//! `axum::serve`) for its limits against abusive clients: request headers
//! must arrive within [`HEADER_READ_TIMEOUT`] (slow-loris connections are
//! closed), at most 100 headers in at most 64 KiB (431 beyond), and an accept
//! error (out of file descriptors) pauses instead of stopping the server.

use std::net::SocketAddr;
use std::pin::pin;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

/// How long a client may take to send its request line and headers.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Read buffer per connection, which bounds the size of a request head.
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// A server running on the current tokio runtime.
pub struct Server {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Server {
    /// Serves `app` on `listener` until [`stop`](Self::stop) or drop.
    pub fn spawn(listener: TcpListener, app: axum::Router) -> std::io::Result<Server> {
        let addr = listener.local_addr()?;
        let (stop, mut stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            // Every connection holds a receiver; `closed()` resolves when all are gone.
            let (closing, open) = watch::channel(false);
            loop {
                let stream = tokio::select! {
                    _ = &mut stopped => break,
                    accepted = listener.accept() => match accepted {
                        Ok((stream, _)) => stream,
                        Err(e) => {
                            // EMFILE and friends: wait for connections to close.
                            tracing::warn!(error = %e, "accept failed");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            continue;
                        }
                    },
                };
                let service = TowerToHyperService::new(app.clone());
                let mut open = open.clone();
                tokio::spawn(async move {
                    let mut builder = hyper::server::conn::http1::Builder::new();
                    builder
                        .timer(TokioTimer::new())
                        .header_read_timeout(HEADER_READ_TIMEOUT)
                        .max_buf_size(MAX_HEAD_BYTES);
                    let mut conn = pin!(builder.serve_connection(TokioIo::new(stream), service));
                    tokio::select! {
                        _ = conn.as_mut() => {}
                        _ = open.changed() => {
                            conn.as_mut().graceful_shutdown();
                            let _ = conn.await;
                        }
                    }
                });
            }
            drop(open);
            let _ = closing.send(true);
            closing.closed().await;
        });
        Ok(Server {
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting connections and waits up to `grace` for requests in
    /// flight; after that the server task is aborted.
    pub async fn stop(mut self, grace: std::time::Duration) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(grace, task).await.is_err() {
                abort.abort();
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
