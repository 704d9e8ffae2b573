//! The organisation administrator's page: staff, invitations, and the invitation form.

use leptos::{prelude::*, server_fn::ServerFn};
use stegvis_content::ProgrammeKind;
use stegvis_platform::{accounts, enrolments, now, org::Role, patients, Error};

use crate::{
    api::{
        admin::Invite,
        programmes::{SetPacing, SetWaitingList},
    },
    components::{date, error_text, load, role_name, Choice, Field, FlashMessages, Heading, LanguageChoices, Table},
    context::{locale, require_viewer, services, Flash},
    i18n::*,
};

#[component]
pub fn AdminPage() -> impl IntoView {
    let i18n = locale();
    load(async move {
        let viewer = require_viewer()?;
        viewer.require(&[Role::OrgAdmin])?;
        let organisation_id = viewer.organisation_id()?;
        let pool = &services().db.pool;
        let staff = patients::staff(pool, organisation_id).await?;
        let invitations = accounts::invitations(pool, organisation_id).await?;
        let flash = Flash::take().await;
        let chosen_role = flash.value("role").unwrap_or_else(|| "patient".into());
        let chosen_locale = flash.value("locale").unwrap_or_else(|| "nb".into());
        let role_error = flash.error("role");
        let roles = |codes: &str| {
            codes.split(',').filter_map(Role::parse).map(role_name).collect::<Vec<_>>().join(", ")
        };
        Ok::<_, Error>(view! {
            <Heading text=td_string!(i18n, admin.title).to_string()/>
            <FlashMessages flash=flash.clone()/>
            <section aria-labelledby="invite-heading" class="card">
                <h2 id="invite-heading">{td_string!(i18n, admin.invite).to_string()}</h2>
                <p>{td_string!(i18n, admin.invite_intro).to_string()}</p>
                <form method="post" action=Invite::PATH class="stack">
                    <Field name="display_name" label=td_string!(i18n, admin.display_name).to_string() autocomplete="off" flash=flash.clone() keep_value=true/>
                    <Field name="email" label=td_string!(i18n, admin.email).to_string() kind="email" flash=flash.clone() keep_value=true/>
                    <fieldset id="role">
                        <legend>{td_string!(i18n, admin.role).to_string()}</legend>
                        {role_error.map(|c| view! { <p class="field-error">{error_text(&c)}</p> })}
                        {Role::ALL.into_iter().map(|r| view! {
                            <Choice name="role" value=r.as_str() label=role_name(r) checked=chosen_role == r.as_str()/>
                        }).collect_view()}
                    </fieldset>
                    <fieldset id="locale">
                        <legend>{td_string!(i18n, language).to_string()}</legend>
                        <LanguageChoices current=chosen_locale/>
                    </fieldset>
                    <button type="submit" class="button">{td_string!(i18n, admin.invite_submit).to_string()}</button>
                </form>
            </section>
            <section aria-labelledby="staff-heading">
                <h2 id="staff-heading">{td_string!(i18n, admin.staff).to_string()}</h2>
                <Table headings=vec![
                    td_string!(i18n, admin.name).to_string(),
                    td_string!(i18n, admin.email).to_string(),
                    td_string!(i18n, admin.roles).to_string(),
                ]>
                    {staff.into_iter().map(|s| view! {
                        <tr><td>{s.display_name}</td><td>{s.email}</td><td>{roles(&s.roles)}</td></tr>
                    }).collect_view()}
                </Table>
            </section>
            <section aria-labelledby="invitations-heading">
                <h2 id="invitations-heading">{td_string!(i18n, admin.invitations).to_string()}</h2>
                <Table headings=vec![
                    td_string!(i18n, admin.name).to_string(),
                    td_string!(i18n, admin.role).to_string(),
                    td_string!(i18n, admin.sent).to_string(),
                    td_string!(i18n, admin.status).to_string(),
                ]>
                    {invitations.into_iter().map(|inv| {
                                let status = if inv.accepted_at.is_some() {
                                    td_string!(i18n, admin.status_accepted)
                                } else if inv.expires_at <= now() {
                                    td_string!(i18n, admin.status_expired)
                                } else {
                                    td_string!(i18n, admin.status_open)
                                };
                                view! {
                                    <tr>
                                        <td>{inv.display_name}</td>
                                        <td>{roles(&inv.role)}</td>
                                        <td>{date(inv.created_at)}</td>
                                        <td>{status.to_string()}</td>
                                    </tr>
                                }
                            }).collect_view()}
                </Table>
            </section>
            {programme_settings(organisation_id).await?}
        })
    })
}

/// Which programme new patients start in while they wait, and how each programme's modules
/// open: after the therapist's feedback (ticked) or on the weekly schedule.
async fn programme_settings(organisation_id: i64) -> Result<impl IntoView, Error> {
    let i18n = locale();
    let lang = i18n.as_str();
    let services = services();
    let pool = &services.db.pool;
    let waiting = enrolments::waiting_list_programme(pool, organisation_id).await?;
    let unguided = services.content.programmes().iter().filter(|(_, p)| p.kind == ProgrammeKind::Unguided).map(|(_, p)| {
        view! { <option value=p.id.clone() selected=waiting.as_deref() == Some(p.id.as_str())>{p.title.get(lang).to_string()}</option> }
    }).collect_view();
    let mut pacing_forms = Vec::new();
    for (_, programme) in services.content.programmes().iter().filter(|(_, p)| p.kind == ProgrammeKind::Guided) {
        let mut conn = pool.acquire().await?;
        let chosen = enrolments::pacing(&mut conn, organisation_id, &programme.id).await?;
        let boxes = programme.modules.iter().filter(|m| !m.optional).enumerate().map(|(i, m)| {
            let id = format!("feedback-{}-{}", programme.id, m.id);
            let checked = chosen.get(&m.id).copied().unwrap_or(m.requires_feedback);
            view! {
                <div class="choice">
                    <input type="checkbox" id=id.clone() name=format!("feedback~{}", m.id) value="on" checked=checked/>
                    <label for=id>{format!("{}. {}", i + 1, m.title.get(lang))}</label>
                </div>
            }
        }).collect_view();
        pacing_forms.push(view! {
            <form method="post" action=SetPacing::PATH class="stack">
                <input type="hidden" name="programme" value=programme.id.clone()/>
                <fieldset>
                    <legend>{programme.title.get(lang).to_string()}</legend>
                    {boxes}
                </fieldset>
                <button type="submit" class="button secondary">{td_string!(i18n, admin.save_pacing).to_string()}</button>
            </form>
        });
    }
    Ok(view! {
        <section aria-labelledby="programmes-heading" id="programmes">
            <h2 id="programmes-heading">{td_string!(i18n, admin.programmes).to_string()}</h2>
            <form method="post" action=SetWaitingList::PATH class="stack card">
                <div class="field">
                    <label for="waiting-programme">{td_string!(i18n, admin.waiting_list).to_string()}</label>
                    <p class="hint" id="waiting-hint">{td_string!(i18n, admin.waiting_list_hint).to_string()}</p>
                    <select id="waiting-programme" name="programme" aria-describedby="waiting-hint">
                        <option value="" selected=waiting.is_none()>{td_string!(i18n, admin.waiting_list_none).to_string()}</option>
                        {unguided}
                    </select>
                </div>
                <button type="submit" class="button secondary">{td_string!(i18n, admin.save_waiting_list).to_string()}</button>
            </form>
            <h3>{td_string!(i18n, admin.pacing).to_string()}</h3>
            <p class="hint">{td_string!(i18n, admin.pacing_hint).to_string()}</p>
            {pacing_forms}
        </section>
    })
}
