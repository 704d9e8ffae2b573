//! The person's own pages: settings, and (for patients) who has seen their record.

use leptos::{prelude::*, server_fn::ServerFn};
use stegvis_platform::{audit, org::Role, Error};

use crate::{
    api::account::SetLanguage,
    components::{date, load, role_name, FlashMessages, Heading, LanguageChoices, Table},
    context::{locale, require_viewer, services, Flash},
    i18n::*,
};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = locale();
    load(async move {
        let viewer = require_viewer()?;
        let flash = Flash::take().await;
        let current = viewer.user.locale.clone();
        Ok::<_, Error>(view! {
            <Heading text=td_string!(i18n, settings.title).to_string()/>
            <FlashMessages flash/>
            <form method="post" action=SetLanguage::PATH class="stack">
                <input type="hidden" name="back" value="/settings"/>
                <fieldset>
                    <legend>{td_string!(i18n, language).to_string()}</legend>
                    <p class="hint">{td_string!(i18n, settings.language_intro).to_string()}</p>
                    <LanguageChoices current/>
                </fieldset>
                <button type="submit" class="button">{td_string!(i18n, settings.save).to_string()}</button>
            </form>
        })
    })
}

fn action_text(code: &str) -> String {
    let i18n = locale();
    match code {
        "view_patient" => td_string!(i18n, actions.view_patient),
        "assign_therapist" => td_string!(i18n, actions.assign_therapist),
        "enrol" => td_string!(i18n, actions.enrol),
        "view_homework" => td_string!(i18n, actions.view_homework),
        "view_responses" => td_string!(i18n, actions.view_responses),
        "write_feedback" => td_string!(i18n, actions.write_feedback),
        "open_module" => td_string!(i18n, actions.open_module),
        "add_module" => td_string!(i18n, actions.add_module),
        "end_enrolment" => td_string!(i18n, actions.end_enrolment),
        _ => td_string!(i18n, actions.other),
    }
    .to_string()
}

#[component]
pub fn AccessLogPage() -> impl IntoView {
    let i18n = locale();
    load(async move {
        let viewer = require_viewer()?;
        viewer.require(&[Role::Patient])?;
        let patient_id = viewer.membership()?.patient_id.ok_or(Error::NotFound)?;
        let entries = audit::accesses_to(&services().db.pool, patient_id).await?;
        Ok::<_, Error>(view! {
            <Heading text=td_string!(i18n, access_log.title).to_string()/>
            <p>{td_string!(i18n, access_log.intro).to_string()}</p>
            {if entries.is_empty() {
                view! { <p>{td_string!(i18n, access_log.empty).to_string()}</p> }.into_any()
            } else {
                let headings = vec![
                    td_string!(i18n, access_log.when).to_string(),
                    td_string!(i18n, access_log.who).to_string(),
                    td_string!(i18n, access_log.role).to_string(),
                    td_string!(i18n, access_log.what).to_string(),
                ];
                view! {
                    <Table headings>
                        {entries.into_iter().map(|e| view! {
                            <tr>
                                <td>{date(e.at)}</td>
                                <td>{e.actor_name}</td>
                                <td>{Role::parse(&e.actor_role).map(role_name).unwrap_or_default()}</td>
                                <td>{action_text(&e.action)}</td>
                            </tr>
                        }).collect_view()}
                    </Table>
                }.into_any()
            }}
        })
    })
}
