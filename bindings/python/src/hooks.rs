//! Test-only hooks, compiled with the `test-hooks` feature alone (the dev
//! build `make test-python` installs); release wheels never enable it.

use partner_webhooks::Error;

use crate::reply::Reply;

/// A call that panics on the shared runtime, the way a client call runs.
pub(crate) async fn panicking_call() -> Result<Reply, Error> {
    panic!("forced by the test hook")
}
