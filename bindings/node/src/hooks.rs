//! Test-only hooks, compiled with the `test-hooks` feature alone (the dev
//! build `make test-node` runs); release addons never enable it, and they stay
//! out of the generated `native.d.ts`.

use napi::bindgen_prelude::Object;
use napi::{Env, Result};
use napi_derive::napi;

use crate::client::{NativeClient, settle};

#[napi]
impl NativeClient {
    /// A call that panics on the shared runtime, the way a client call runs:
    /// the Promise rejects with a typed error and the process goes on.
    #[napi(skip_typescript)]
    pub fn panic_for_tests<'env>(&self, env: &'env Env) -> Result<Object<'env>> {
        settle(env, None, async { panic!("forced by the test hook") })
    }
}
