//! The text form of every record, object and error that holds a secret:
//! Kotlin's `toString()`, Swift's `description`, `debugDescription`,
//! `String(reflecting:)` (and `dump()`, through the `CustomReflectable`
//! conformance `scripts/patch-swift.py` adds to each type exported with `Debug`).
//!
//! uniffi's records are Kotlin data classes and Swift structs that print every
//! field; a type listed with `#[uniffi::export(Debug, Display)]` prints this
//! instead. The form is the one both languages read easily,
//! `ClientSettings(apiKey: [redacted], baseUrl: "http://127.0.0.1:8080")`:
//! fields spelled as Kotlin and Swift spell them, absent ones left out, secrets
//! as `[redacted]`, header maps as their names, bodies as their length.
//! Equality and hashing are untouched (they compare every field).

use std::collections::HashMap;
use std::fmt;

use partner_webhooks::REDACTED;
use partner_webhooks::settings::camel_case;

/// Writes `Name(field: value, ...)`.
pub(crate) struct Text<'a, 'b> {
    f: &'a mut fmt::Formatter<'b>,
    first: bool,
    result: fmt::Result,
}

impl<'a, 'b> Text<'a, 'b> {
    /// Starts the text of a value of type `name`.
    pub(crate) fn new(f: &'a mut fmt::Formatter<'b>, name: &str) -> Self {
        let result = f.write_str(name).and_then(|_| f.write_str("("));
        Text {
            f,
            first: true,
            result,
        }
    }

    fn label(&mut self, field: &str) {
        let sep = if self.first { "" } else { ", " };
        self.first = false;
        let f = &mut *self.f;
        self.result = self
            .result
            .and_then(|_| write!(f, "{sep}{}: ", camel_case(field)));
    }

    /// A field shown as it is (strings quoted).
    pub(crate) fn show(mut self, field: &str, value: &dyn fmt::Debug) -> Self {
        self.label(field);
        let f = &mut *self.f;
        self.result = self.result.and_then(|_| write!(f, "{value:?}"));
        self
    }

    /// An optional field, left out when absent.
    pub(crate) fn opt<T: fmt::Debug>(self, field: &str, value: &Option<T>) -> Self {
        match value {
            Some(v) => self.show(field, v),
            None => self,
        }
    }

    /// A secret: `[redacted]` when present, left out when absent.
    pub(crate) fn secret(self, field: &str, present: bool) -> Self {
        if present {
            self.show(field, &Raw(REDACTED))
        } else {
            self
        }
    }

    /// A map whose values may be secrets (headers): its sorted names only.
    pub(crate) fn names(self, field: &str, map: &HashMap<String, String>) -> Self {
        let mut names: Vec<&str> = map.keys().map(String::as_str).collect();
        names.sort_unstable();
        self.show(field, &Raw(&format!("[{}]", names.join(", "))))
    }

    /// A body that may hold secrets: its length only.
    pub(crate) fn length(self, field: &str, text: &str) -> Self {
        self.show(field, &Raw(&format!("[{} bytes]", text.len())))
    }

    /// Closes the parenthesis.
    pub(crate) fn finish(self) -> fmt::Result {
        self.result.and_then(|_| self.f.write_str(")"))
    }
}

/// Text written as it is, without quotes.
pub(crate) struct Raw<'a>(pub(crate) &'a str);

impl fmt::Debug for Raw<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// `Display` as the (redacted) `Debug`, for the types exported with both: Kotlin
/// prefers `Display` for `toString()`, Swift uses `Display` for `description`
/// and `Debug` for `debugDescription`; both show the same text.
macro_rules! display_as_debug {
    ($($t:ty),+ $(,)?) => {
        $(impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(self, f)
            }
        })+
    };
}
pub(crate) use display_as_debug;

#[cfg(test)]
mod tests {
    use super::*;

    struct Sample {
        key: Option<String>,
        url: Option<String>,
        headers: HashMap<String, String>,
        body: String,
    }

    impl fmt::Debug for Sample {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            Text::new(f, "Sample")
                .secret("api_key", self.key.is_some())
                .opt("base_url", &self.url)
                .names("webhook_headers", &self.headers)
                .length("body_json", &self.body)
                .finish()
        }
    }

    #[test]
    fn secrets_names_and_lengths_only() {
        let s = Sample {
            key: Some("KEY-1".into()),
            url: None,
            headers: HashMap::from([("X-B".into(), "v-2".into()), ("X-A".into(), "v-1".into())]),
            body: "{\"a\":\"v-1\"}".into(),
        };
        assert_eq!(
            format!("{s:?}"),
            "Sample(apiKey: [redacted], webhookHeaders: [X-A, X-B], bodyJson: [11 bytes])"
        );
        let s = Sample {
            key: None,
            url: Some("http://h".into()),
            headers: HashMap::new(),
            body: String::new(),
        };
        assert_eq!(
            format!("{s:?}"),
            "Sample(baseUrl: \"http://h\", webhookHeaders: [], bodyJson: [0 bytes])"
        );
    }
}
