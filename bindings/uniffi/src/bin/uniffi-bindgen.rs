//! `uniffi-bindgen`, from the same uniffi version as the library (generating
//! with another version would produce bindings that do not match the scaffolding).
fn main() {
    uniffi::uniffi_bindgen_main()
}
