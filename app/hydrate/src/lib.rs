//! The browser half of Stegvis. Pages are rendered on the server; this only wakes the
//! `#[island]` components in them (see the README on why islands).

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Pulls the islands into this crate's wasm.
    use stegvis_app as _;
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
