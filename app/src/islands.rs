//! The only components that run in the browser.

use leptos::prelude::*;

/// Touches the session so the idle timeout starts again; called by the timeout warning.
#[server(prefix = "/api", endpoint = "keep-alive", input = server_fn::codec::GetUrl)]
pub async fn keep_alive() -> Result<(), ServerFnError> {
    // The session layer has already renewed the expiry by the time this runs.
    Ok(())
}

/// Warns before the idle timeout logs the person out and lets them stay (WCAG 2.2.1, Timing
/// Adjustable). Without JavaScript the server's timeout still applies, and the log-in page
/// says why the person was logged out and returns them to the page they asked for.
#[island]
pub fn SessionTimeout(idle_seconds: u32, warning: String, stay: String) -> impl IntoView {
    let (show, set_show) = signal(false);
    let (generation, set_generation) = signal(0u32);
    // Autosaving renews the session too: count down again from each save.
    let _activity = window_event_listener_untyped(ACTIVITY_EVENT, move |_| set_generation.update(|g| *g += 1));
    // The page's own request renewed the session; count down from now.
    Effect::new(move |_| {
        let current = generation.get();
        let warn_after = idle_seconds.saturating_sub(120).max(1);
        set_timeout(
            move || {
                if generation.get_untracked() == current {
                    set_show.set(true);
                }
            },
            std::time::Duration::from_secs(warn_after.into()),
        );
        set_timeout(
            move || {
                if generation.get_untracked() == current {
                    let _ = window().location().set_href("/login?expired=1");
                }
            },
            std::time::Duration::from_secs(idle_seconds.into()),
        );
    });
    let stay_logged_in = move |_| {
        leptos::task::spawn_local(async move {
            if keep_alive().await.is_ok() {
                set_show.set(false);
                set_generation.update(|g| *g += 1);
            }
        });
    };
    view! {
        <Show when=move || show.get()>
            <div class="timeout-warning" role="alertdialog" aria-live="assertive" aria-labelledby="timeout-text">
                <p id="timeout-text">{warning.clone()}</p>
                <button type="button" class="button" on:click=stay_logged_in autofocus>{stay.clone()}</button>
            </div>
        </Show>
    }
}

/// Saves a form's draft (homework, a message) a few seconds after the person stops typing, and
/// once more when they leave the page, and says when it last saved. Without JavaScript the
/// form's own "save draft" button does the same. The form (`form_id`) is posted whole to
/// `endpoint`, which answers the time it saved.
#[island]
pub fn Autosave(form_id: String, endpoint: String, initial: String, saved: String, failed: String) -> impl IntoView {
    let (status, set_status) = signal(initial);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| browser::watch_form(form_id.clone(), endpoint.clone(), saved.clone(), failed.clone(), set_status));
    #[cfg(not(feature = "hydrate"))]
    let _ = (form_id, endpoint, saved, failed, set_status);
    view! { <p class="autosave" role="status" aria-live="polite">{move || status.get()}</p> }
}

/// The name of the window event that tells the session-timeout warning the person is active.
pub const ACTIVITY_EVENT: &str = "stegvis-activity";

#[cfg(feature = "hydrate")]
mod browser {
    use std::{cell::Cell, rc::Rc, time::Duration};

    use leptos::prelude::*;
    use wasm_bindgen::{prelude::*, JsCast};
    use web_sys::{FormData, HtmlFormElement, RequestInit, Response, UrlSearchParams};

    fn form_body(form_id: &str) -> Option<UrlSearchParams> {
        let form: HtmlFormElement = document().get_element_by_id(form_id)?.dyn_into().ok()?;
        let data = FormData::new_with_form(&form).ok()?;
        UrlSearchParams::new_with_str_sequence_sequence(&data).ok()
    }

    async fn save(form_id: &str, endpoint: &str) -> Option<String> {
        let body = form_body(form_id)?;
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_body(&body);
        let headers = web_sys::Headers::new().ok()?;
        headers.set("Accept", "application/json").ok()?;
        init.set_headers(&headers);
        let response: Response = wasm_bindgen_futures::JsFuture::from(window().fetch_with_str_and_init(endpoint, &init)).await.ok()?.dyn_into().ok()?;
        if !response.ok() {
            return None;
        }
        let text = wasm_bindgen_futures::JsFuture::from(response.text().ok()?).await.ok()?.as_string()?;
        Some(text.trim_matches('"').to_string())
    }

    /// Has the person typed or ticked something before the island woke up (on a slow phone the
    /// wasm loads after the page is usable)? Then that is unsaved too.
    fn changed_before_hydration(form: &HtmlFormElement) -> bool {
        let elements = form.elements();
        (0..elements.length()).filter_map(|i| elements.item(i)).any(|element| {
            if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
                match input.type_().as_str() {
                    "checkbox" | "radio" => input.checked() != input.default_checked(),
                    "hidden" | "submit" | "button" => false,
                    _ => input.value() != input.default_value(),
                }
            } else if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                area.default_value().is_ok_and(|default| area.value() != default)
            } else {
                false
            }
        })
    }

    pub fn watch_form(form_id: String, endpoint: String, saved: String, failed: String, set_status: WriteSignal<String>) {
        let Some(form) = document().get_element_by_id(&form_id) else { return };
        let Ok(form) = form.dyn_into::<HtmlFormElement>() else { return };
        let dirty = Rc::new(Cell::new(changed_before_hydration(&form)));
        let busy = Rc::new(Cell::new(false));
        let mark = {
            let dirty = dirty.clone();
            Closure::<dyn Fn()>::new(move || dirty.set(true))
        };
        for event in ["input", "change"] {
            let _ = form.add_event_listener_with_callback(event, mark.as_ref().unchecked_ref());
        }
        mark.forget();
        // Leaving the page: hand what is unsaved to the browser to deliver.
        let on_leave = {
            let (dirty, form_id, endpoint) = (dirty.clone(), form_id.clone(), endpoint.clone());
            Closure::<dyn Fn()>::new(move || {
                if dirty.get() {
                    if let Some(body) = form_body(&form_id) {
                        let _ = window().navigator().send_beacon_with_opt_url_search_params(&endpoint, Some(&body));
                    }
                }
            })
        };
        let _ = window().add_event_listener_with_callback("pagehide", on_leave.as_ref().unchecked_ref());
        on_leave.forget();
        // A submit sends the same answers; the beacon is not needed after it.
        let on_submit = {
            let dirty = dirty.clone();
            Closure::<dyn Fn()>::new(move || dirty.set(false))
        };
        let _ = form.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
        on_submit.forget();
        let _ = set_interval_with_handle(
            move || {
                if !dirty.get() || busy.get() {
                    return;
                }
                dirty.set(false);
                busy.set(true);
                let (dirty, busy, saved, failed) = (dirty.clone(), busy.clone(), saved.clone(), failed.clone());
                let (form_id, endpoint) = (form_id.clone(), endpoint.clone());
                leptos::task::spawn_local(async move {
                    match save(&form_id, &endpoint).await {
                        Some(time) => {
                            set_status.set(saved.replace("{time}", &time));
                            if let Ok(event) = web_sys::Event::new(super::ACTIVITY_EVENT) {
                                let _ = window().dispatch_event(&event);
                            }
                        }
                        None => {
                            set_status.set(failed);
                            dirty.set(true);
                        }
                    }
                    busy.set(false);
                });
            },
            Duration::from_secs(3),
        );
    }
}
