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
