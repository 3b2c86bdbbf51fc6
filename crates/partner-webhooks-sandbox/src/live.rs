//! The delivery log's live stream: every change to a delivery (queued, an
//! attempt made, delivered or failed) gets the next sequence number and is
//! kept in a bounded in-memory log. `GET /_sandbox/stream` serves it as
//! server-sent events whose `id` is that number, so a client that reconnects
//! with `Last-Event-ID` gets exactly what it missed; the page and
//! `deliveries --follow` read the same stream.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use serde::Serialize;
use tokio::sync::watch;

use crate::delivery::Delivery;

/// How many changes the log keeps for reconnecting clients.
pub(crate) const LOG_CAPACITY: usize = 2_000;

/// One change, as the stream sends it (`data:` is this, as JSON).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Change {
    /// The sequence number (the event's `id`).
    pub(crate) seq: u64,
    /// The delivery after the change, as `GET .../deliveries` lists it.
    pub(crate) delivery: Delivery,
}

/// The log of changes and the number of the last one.
pub(crate) struct Live {
    log: Mutex<VecDeque<Arc<Change>>>,
    last: watch::Sender<u64>,
}

impl Live {
    pub(crate) fn new() -> Self {
        Live {
            log: Mutex::new(VecDeque::new()),
            last: watch::Sender::new(0),
        }
    }

    /// Records `delivery` as it is now.
    pub(crate) fn publish(&self, delivery: &Delivery) {
        let mut log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
        let seq = log.back().map_or(1, |c| c.seq + 1);
        if log.len() == LOG_CAPACITY {
            log.pop_front();
        }
        log.push_back(Arc::new(Change {
            seq,
            delivery: delivery.clone(),
        }));
        drop(log);
        self.last.send_replace(seq);
    }

    /// The changes after `seq`; `None` when some of them are no longer kept
    /// (the client must reload the list).
    pub(crate) fn since(&self, seq: u64) -> Option<Vec<Arc<Change>>> {
        let log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
        match log.front() {
            Some(first) if first.seq > seq + 1 => None,
            _ => Some(log.iter().filter(|c| c.seq > seq).cloned().collect()),
        }
    }

    /// The number of the last change (0 before the first).
    pub(crate) fn last(&self) -> u64 {
        *self.last.borrow()
    }

    /// The stream from after `seq`: one `delivery` event per change, a
    /// `reset` event (data: the current sequence number) when changes were
    /// dropped from the log before the client came back.
    pub(crate) fn stream(
        self: &Arc<Self>,
        seq: u64,
    ) -> Sse<impl Stream<Item = Result<Event, Infallible>> + use<>> {
        let rx = self.last.subscribe();
        let live = self.clone();
        let stream = futures_util::stream::unfold(
            (live, rx, seq, VecDeque::<Event>::new()),
            |(live, mut rx, mut seq, mut pending)| async move {
                loop {
                    if let Some(event) = pending.pop_front() {
                        return Some((Ok(event), (live, rx, seq, pending)));
                    }
                    match live.since(seq) {
                        Some(changes) => {
                            for c in changes {
                                seq = c.seq;
                                pending.push_back(change_event(&c));
                            }
                        }
                        None => {
                            seq = live.last();
                            pending.push_back(
                                Event::default()
                                    .event("reset")
                                    .id(seq.to_string())
                                    .data(seq.to_string()),
                            );
                        }
                    }
                    if pending.is_empty() {
                        // The sender lives as long as the sandbox: an error
                        // means it is shutting down.
                        rx.changed().await.ok()?;
                    }
                }
            },
        );
        Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
    }
}

fn change_event(c: &Change) -> Event {
    let data = serde_json::to_string(&c.delivery).unwrap_or_else(|_| "{}".into());
    Event::default()
        .event("delivery")
        .id(c.seq.to_string())
        .data(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delivery::DeliveryStatus;

    fn delivery(id: &str) -> Delivery {
        Delivery {
            id: id.into(),
            partner_id: "p".into(),
            event: "channel_live".into(),
            url: "http://127.0.0.1:9/".into(),
            status: DeliveryStatus::Pending,
            attempts: vec![],
            body: "{}".into(),
            created_at_ms: 0,
            note: None,
        }
    }

    #[test]
    fn changes_after_a_number_and_what_was_dropped() {
        let live = Live::new();
        assert_eq!(live.since(0).unwrap().len(), 0);
        for i in 0..3 {
            live.publish(&delivery(&i.to_string()));
        }
        let after_one: Vec<u64> = live.since(1).unwrap().iter().map(|c| c.seq).collect();
        assert_eq!(after_one, [2, 3]);
        assert_eq!(live.last(), 3);
        for i in 0..LOG_CAPACITY {
            live.publish(&delivery(&i.to_string()));
        }
        // The log now starts at change 4: resuming after 3 loses nothing, after 2 would miss 3.
        assert!(live.since(live.last() - LOG_CAPACITY as u64).is_some());
        assert!(live.since(live.last() - LOG_CAPACITY as u64 - 1).is_none());
    }
}
