// leptos_i18n reads locales/*.json inside a macro, which cargo does not track: without this, a
// changed text reaches the binary only with the next change to a Rust file.
fn main() {
    println!("cargo:rerun-if-changed=locales");
}
