//! One check for the documentation site's generated pages (included with
//! `#[path]` by the tests that generate them): the page must equal what the
//! code renders now; `UPDATE_DOCS=1` rewrites it first.

use std::path::Path;

/// Panics, naming `command`, when `page` does not hold `want`.
pub fn assert_current(page: &Path, want: &str, command: &str) {
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(page, want).expect("the page is written");
    }
    let have = std::fs::read_to_string(page).unwrap_or_default();
    assert!(
        have == want,
        "{} is not current: run UPDATE_DOCS=1 {command}",
        page.display()
    );
}
