//! One check per kind of value, with one message per rule. Client settings,
//! the environment, per-call options, the Rust-only back-off and every
//! binding's converters all call these, so a value is refused (or accepted)
//! the same way wherever it comes from.
//!
//! ```
//! use std::time::Duration;
//! use partner_webhooks::limits::{Unit, duration, duration_in, retries};
//! assert!(duration("timeout", Duration::MAX).is_err());
//! assert_eq!(duration_in("timeout", 1.5, Unit::Seconds).unwrap(), Duration::from_millis(1500));
//! assert!(duration_in("timeoutMs", f64::NAN, Unit::Milliseconds).is_err());
//! assert_eq!(retries("max_retries", 11).unwrap_err().message(), "must be at most 10 (got 11)");
//! ```

use std::time::Duration;

use crate::Error;

/// The longest duration any setting takes: one day.
pub const MAX_DURATION: Duration = Duration::from_secs(86_400);
/// Largest `max_retries`.
pub const MAX_RETRIES: u32 = 10;
/// Largest `max_connections`.
pub const MAX_CONNECTIONS: usize = 10_000;

/// The unit a caller wrote a duration in (the message names it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Seconds: Rust's `Duration`, Python, Kotlin, Swift, the CLI, the environment.
    Seconds,
    /// Milliseconds: Node.
    Milliseconds,
}

impl Unit {
    fn name(self) -> &'static str {
        match self {
            Unit::Seconds => "seconds",
            Unit::Milliseconds => "milliseconds",
        }
    }

    fn per_second(self) -> f64 {
        match self {
            Unit::Seconds => 1.0,
            Unit::Milliseconds => 1000.0,
        }
    }
}

fn duration_error(field: &str, unit: Unit) -> Error {
    let max = MAX_DURATION.as_secs_f64() * unit.per_second();
    Error::invalid_input(
        field.to_string(),
        format!(
            "must be a number of {} greater than 0 (at most {max})",
            unit.name()
        ),
    )
}

/// A duration: more than zero and at most [`MAX_DURATION`]; otherwise
/// `InvalidInput` naming `field`.
pub fn duration(field: &str, d: Duration) -> Result<Duration, Error> {
    if d.is_zero() || d > MAX_DURATION {
        return Err(duration_error(field, Unit::Seconds));
    }
    Ok(d)
}

/// A duration given as a number of `unit`s (the bindings, the CLI, the
/// environment): finite, and then as [`duration`], in that unit's words.
pub fn duration_in(field: &str, value: f64, unit: Unit) -> Result<Duration, Error> {
    let secs = value / unit.per_second();
    if !secs.is_finite() || secs <= 0.0 || secs > MAX_DURATION.as_secs_f64() {
        return Err(duration_error(field, unit));
    }
    duration(field, Duration::from_secs_f64(secs)).map_err(|_| duration_error(field, unit))
}

/// Retries after the first attempt: at most [`MAX_RETRIES`].
pub fn retries(field: &str, n: u32) -> Result<u32, Error> {
    if n > MAX_RETRIES {
        return Err(Error::invalid_input(
            field.to_string(),
            format!("must be at most {MAX_RETRIES} (got {n})"),
        ));
    }
    Ok(n)
}

/// Requests on the wire at once: 1 to [`MAX_CONNECTIONS`].
pub fn connections(field: &str, n: u32) -> Result<usize, Error> {
    let n = n as usize;
    if !(1..=MAX_CONNECTIONS).contains(&n) {
        return Err(Error::invalid_input(
            field.to_string(),
            format!("must be from 1 to {MAX_CONNECTIONS}"),
        ));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_message_per_rule_in_the_callers_unit() {
        for d in [
            Duration::ZERO,
            Duration::MAX,
            MAX_DURATION + Duration::from_nanos(1),
        ] {
            assert_eq!(
                duration("timeout", d).unwrap_err().message(),
                "must be a number of seconds greater than 0 (at most 86400)"
            );
        }
        assert_eq!(duration("timeout", MAX_DURATION).unwrap(), MAX_DURATION);
        assert_eq!(
            duration_in("timeoutMs", -1.0, Unit::Milliseconds)
                .unwrap_err()
                .message(),
            "must be a number of milliseconds greater than 0 (at most 86400000)"
        );
        // Too small to be a nanosecond: zero, refused like zero.
        assert!(duration_in("timeout", f64::MIN_POSITIVE, Unit::Seconds).is_err());
        assert_eq!(
            connections("max_connections", 0).unwrap_err().field(),
            Some("max_connections")
        );
        assert_eq!(connections("max_connections", 8).unwrap(), 8);
    }
}
