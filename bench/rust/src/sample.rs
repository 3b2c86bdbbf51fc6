//! The sample line every driver prints (the same fields in every language;
//! the goals live in `bench/goals.py`).

use serde::Serialize;

/// One run of one comparison; `bench/run.py` aggregates runs by `name` + `baseline`.
#[derive(Serialize)]
pub struct Sample<'a> {
    pub name: &'a str,
    pub baseline: &'a str,
    pub metric: &'a str,
    pub ours: f64,
    pub theirs: Option<f64>,
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Sample<'_> {
    /// Prints the sample as one JSON line.
    pub fn print(&self) {
        println!(
            "{}",
            serde_json::to_string(self).expect("a sample serializes")
        );
    }
}
