//! When to retry and how long to wait: exponential back-off with jitter from
//! the `backon` crate, `Retry-After` (seconds or HTTP date) honoured up to a cap.

use std::time::{Duration, SystemTime};

use backon::{BackoffBuilder, ExponentialBuilder};

use crate::ErrorKind;
use crate::config::Backoff;

/// Whether an HTTP status is worth another attempt: 408, 429 and every 5xx.
///
/// ```
/// use partner_webhooks::retry::is_retryable_status;
/// assert!(is_retryable_status(503) && is_retryable_status(429) && is_retryable_status(408));
/// assert!(!is_retryable_status(400) && !is_retryable_status(404));
/// ```
pub fn is_retryable_status(status: u16) -> bool {
    status == 408 || status == 429 || (500..=599).contains(&status)
}

/// Whether the server can have acted on a request that failed this way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Certainly not: the connection was never made, or the server answered
    /// that it did not process the request (408, 429).
    NotProcessed,
    /// Perhaps: the request was sent and then the answer timed out, broke off,
    /// or was a 5xx.
    Ambiguous,
}

impl Outcome {
    /// How an HTTP status leaves a request.
    ///
    /// ```
    /// use partner_webhooks::retry::Outcome;
    /// assert_eq!(Outcome::of_status(429), Outcome::NotProcessed);
    /// assert_eq!(Outcome::of_status(503), Outcome::Ambiguous);
    /// ```
    pub fn of_status(status: u16) -> Outcome {
        match status {
            408 | 429 => Outcome::NotProcessed,
            _ => Outcome::Ambiguous,
        }
    }
}

/// The retry decision for one failed attempt: a retryable kind of error, and
/// either an idempotent operation or a failure after which the server
/// certainly did nothing. (Whether retries and time are left is the caller's.)
///
/// ```
/// use partner_webhooks::ErrorKind;
/// use partner_webhooks::retry::{Outcome, should_retry};
/// assert!(should_retry(ErrorKind::Server, Outcome::Ambiguous, true));
/// assert!(!should_retry(ErrorKind::Server, Outcome::Ambiguous, false));
/// assert!(should_retry(ErrorKind::RateLimited, Outcome::NotProcessed, false));
/// assert!(!should_retry(ErrorKind::NotFound, Outcome::NotProcessed, true));
/// ```
pub fn should_retry(kind: ErrorKind, outcome: Outcome, idempotent: bool) -> bool {
    kind.is_retryable() && (idempotent || outcome == Outcome::NotProcessed)
}

/// Parses a `Retry-After` value: delay-seconds or an HTTP date (a date in the
/// past means "now").
///
/// ```
/// use std::time::Duration;
/// use partner_webhooks::retry::parse_retry_after;
/// assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
/// assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
/// assert_eq!(parse_retry_after("soon"), None);
/// ```
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = value.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Some(Duration::from_secs_f64(secs.min(1e9)));
        }
        return None;
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// The delays between attempts of one call.
pub(crate) struct RetrySchedule {
    delays: backon::ExponentialBackoff,
    retry_after_cap: Duration,
}

/// What to do after a failed attempt.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Wait this long, then try again.
    RetryAfter(Duration),
    /// Give up and return the error.
    GiveUp,
}

impl RetrySchedule {
    pub(crate) fn new(backoff: Backoff) -> Self {
        let delays = ExponentialBuilder::default()
            .with_min_delay(backoff.initial)
            .with_max_delay(backoff.max)
            .with_factor(2.0)
            .with_jitter()
            .without_max_times()
            .build();
        RetrySchedule {
            delays,
            retry_after_cap: backoff.retry_after_cap,
        }
    }

    /// The wait before the next attempt: the server's `Retry-After` when it
    /// sent one within the cap, otherwise the next back-off step. A
    /// `Retry-After` beyond the cap means the caller should not wait.
    pub(crate) fn next(&mut self, retry_after: Option<Duration>) -> Decision {
        let step = self.delays.next();
        match retry_after {
            Some(ra) if ra > self.retry_after_cap => Decision::GiveUp,
            Some(ra) => Decision::RetryAfter(ra),
            None => step.map(Decision::RetryAfter).unwrap_or(Decision::GiveUp),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let mut s = RetrySchedule::new(Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_millis(400),
            retry_after_cap: Duration::from_secs(5),
        });
        let delays: Vec<Duration> = (0..6)
            .map(|_| match s.next(None) {
                Decision::RetryAfter(d) => d,
                Decision::GiveUp => panic!("schedule ended"),
            })
            .collect();
        // Jitter adds up to one more step; never below the step, never far above the cap.
        assert!(
            delays[0] >= Duration::from_millis(100) && delays[0] <= Duration::from_millis(200),
            "{delays:?}"
        );
        assert!(delays[1] >= Duration::from_millis(200), "{delays:?}");
        for d in &delays[2..] {
            assert!(
                *d >= Duration::from_millis(400) && *d <= Duration::from_millis(800),
                "{delays:?}"
            );
        }
    }

    #[test]
    fn non_idempotent_operations_retry_only_when_nothing_happened() {
        for kind in ErrorKind::ALL {
            for outcome in [Outcome::NotProcessed, Outcome::Ambiguous] {
                assert_eq!(
                    should_retry(kind, outcome, true),
                    kind.is_retryable(),
                    "{kind} {outcome:?}"
                );
                assert_eq!(
                    should_retry(kind, outcome, false),
                    kind.is_retryable() && outcome == Outcome::NotProcessed,
                    "{kind} {outcome:?}"
                );
            }
        }
        for status in [408, 429] {
            assert_eq!(Outcome::of_status(status), Outcome::NotProcessed);
        }
        for status in [500, 502, 503, 504] {
            assert_eq!(Outcome::of_status(status), Outcome::Ambiguous);
        }
    }

    #[test]
    fn retry_after_wins_within_the_cap() {
        let mut s = RetrySchedule::new(Backoff::default());
        assert_eq!(
            s.next(Some(Duration::from_secs(2))),
            Decision::RetryAfter(Duration::from_secs(2))
        );
        assert_eq!(s.next(Some(Duration::from_secs(61))), Decision::GiveUp);
    }

    #[test]
    fn retry_after_http_date_in_the_future() {
        let when = SystemTime::now() + Duration::from_secs(30);
        let d = parse_retry_after(&httpdate::fmt_http_date(when)).unwrap();
        assert!(
            d > Duration::from_secs(28) && d <= Duration::from_secs(30),
            "{d:?}"
        );
    }
}
