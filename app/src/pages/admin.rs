//! The organisation administrator's page: staff, invitations, and the invitation form.

use leptos::{prelude::*, server_fn::ServerFn};
use stegvis_content::ProgrammeKind;
use stegvis_content::schedule::When;
use stegvis_platform::{
    accounts, enrolments, mail, measurement, now,
    notify::{self, Notice},
    org::Role,
    patients, Error,
};

use crate::{
    api::{
        admin::{Invite, RetryMail, SetNotificationTexts, SetStaffRoles},
        measurement::{fhir_questionnaire_path, schedule_key, SetMeasures, UploadPack},
        programmes::{SetPacing, SetWaitingList},
    },
    components::{clock, date, error_text, load, role_name, Choice, Field, FlashMessages, Heading, LanguageChoices, Table},
    context::{locale, require_viewer, services, Flash},
    i18n::*,
    mails,
    pages::{
        account::notice_name,
        guidance::{described, field_error},
    },
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
        let slug = viewer.membership()?.organisation.slug.clone();
        let me = viewer.user.id;
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
            <section aria-labelledby="staff-heading" id="staff">
                <h2 id="staff-heading">{td_string!(i18n, admin.staff).to_string()}</h2>
                <p class="hint">{td_string!(i18n, admin.staff_hint).to_string()}</p>
                <Table headings=vec![
                    td_string!(i18n, admin.name).to_string(),
                    td_string!(i18n, admin.email).to_string(),
                    td_string!(i18n, admin.roles).to_string(),
                    td_string!(i18n, admin.change).to_string(),
                ]>
                    {staff.into_iter().map(|s| {
                        let held: Vec<&str> = s.roles.split(',').collect();
                        let me = s.user_id == me;
                        let boxes = Role::ALL.into_iter().filter(|r| r.is_staff()).map(|r| {
                            let id = format!("role-{}-{}", s.user_id, r.as_str());
                            view! {
                                <div class="choice">
                                    <input type="checkbox" id=id.clone() name=format!("role~{}", r.as_str()) value="on" checked=held.contains(&r.as_str())/>
                                    <label for=id>{role_name(r)}</label>
                                </div>
                            }
                        }).collect_view();
                        view! {
                            <tr>
                                <td>{s.display_name.clone()}</td>
                                <td>{s.email.clone()}</td>
                                <td>{roles(&s.roles)}</td>
                                <td>
                                    <form method="post" action=SetStaffRoles::PATH class="inline-form">
                                        <input type="hidden" name="user_id" value=s.user_id.to_string()/>
                                        <fieldset>
                                            <legend class="visually-hidden">{td_string!(i18n, admin.roles_of).replace("{name}", &s.display_name)}</legend>
                                            {boxes}
                                        </fieldset>
                                        <button type="submit" class="button secondary">{td_string!(i18n, admin.save_roles).to_string()}</button>
                                        {(!me).then(|| view! {
                                            <button type="submit" name="deactivate" value="yes" class="button secondary" aria-label=td_string!(i18n, admin.deactivate_who).replace("{name}", &s.display_name)>{td_string!(i18n, admin.deactivate).to_string()}</button>
                                        })}
                                    </form>
                                </td>
                            </tr>
                        }
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
            {intake_settings(organisation_id, &slug, &flash).await?}
            {programme_settings(organisation_id).await?}
            {crate::pages::escalation::ladder_settings(organisation_id, &flash).await?}
            {crate::pages::escalation::flag_rule_settings(organisation_id, &flash).await?}
            {instrument_settings(organisation_id, &flash).await?}
            {notification_texts(organisation_id, &flash).await?}
            {mail_status(organisation_id).await?}
        })
    })
}

/// The public self-referral form (open or closed, and its address) and how often people on the
/// waiting list are asked to answer the screening again.
async fn intake_settings(organisation_id: i64, slug: &str, flash: &Flash) -> Result<impl IntoView + use<>, Error> {
    let i18n = locale();
    let settings = stegvis_platform::intake::settings(&mut *services().db.pool.acquire().await?, organisation_id).await?;
    let address = format!("{}/refer/{slug}", services().public_origin);
    let weeks = flash.value("rescreen_weeks").unwrap_or_else(|| settings.rescreen_weeks.to_string());
    Ok(view! {
        <section aria-labelledby="intake-heading" id="intake" class="card">
            <h2 id="intake-heading">{td_string!(i18n, admin.intake_title).to_string()}</h2>
            <p>{td_string!(i18n, admin.public_form).to_string()}" "<a href=address.clone()>{address.clone()}</a></p>
            <form method="post" action=crate::api::intake::SaveIntakeSettings::PATH class="stack">
                <div class="choice">
                    <input type="checkbox" id="self_referral_open" name="self_referral_open" value="yes" checked=settings.self_referral_open == 1/>
                    <label for="self_referral_open">{td_string!(i18n, admin.self_referral_open).to_string()}</label>
                </div>
                <div class="field" class:invalid=flash.error("rescreen_weeks").is_some()>
                    <label for="rescreen_weeks">{td_string!(i18n, admin.rescreen_weeks).to_string()}</label>
                    {crate::pages::guidance::field_error(flash, "rescreen_weeks")}
                    <input id="rescreen_weeks" name="rescreen_weeks" inputmode="numeric" size="2" value=weeks aria-describedby=crate::pages::guidance::described(flash, "rescreen_weeks")/>
                </div>
                <button type="submit" class="button secondary">{td_string!(i18n, admin.save_intake).to_string()}</button>
            </form>
        </section>
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

fn when_text(when: When) -> String {
    let i18n = locale();
    match when {
        When::Start => td_string!(i18n, admin.when_start),
        When::Weekly => td_string!(i18n, admin.when_weekly),
        When::Middle => td_string!(i18n, admin.when_middle),
        When::End => td_string!(i18n, admin.when_end),
        When::After3Months => td_string!(i18n, admin.when_3m),
        When::After6Months => td_string!(i18n, admin.when_6m),
        When::After12Months => td_string!(i18n, admin.when_12m),
    }
    .to_string()
}

/// The questionnaires: which the organisation can use (licensed ones once their pack is
/// loaded), the pack upload, and when each is due in each programme.
async fn instrument_settings(organisation_id: i64, flash: &Flash) -> Result<impl IntoView, Error> {
    let i18n = locale();
    let lang = i18n.as_str();
    let services = services();
    let pool = &services.db.pool;
    let available = measurement::instruments(pool, organisation_id).await?;
    let rows = available
        .iter()
        .map(|a| {
            let licence = if a.instrument.is_free() { td_string!(i18n, admin.licence_free) } else { td_string!(i18n, admin.licence_pack) }.to_string();
            let status = match (&a.text, &a.pack) {
                (Some(_), Some((at, by))) => td_string!(i18n, admin.pack_loaded).replace("{date}", &date(*at)).replace("{name}", by),
                (Some(_), None) => td_string!(i18n, admin.instrument_available).to_string(),
                (None, _) => td_string!(i18n, admin.instrument_unavailable).to_string(),
            };
            view! {
                <tr id=format!("instrument-{}", a.instrument.id)>
                    <td>{a.instrument.name.get(lang)}</td>
                    <td>{licence}</td>
                    <td>{status}</td>
                    <td><a href=fhir_questionnaire_path(a.instrument, lang) download=format!("{}.json", a.instrument.id)>{td_string!(i18n, admin.fhir_download).to_string()}</a></td>
                </tr>
            }
        })
        .collect_view();
    let pack_error = flash.errors.iter().any(|e| e.field == "pack");
    let pack_value = flash.value("pack").unwrap_or_default();
    let mut schedules = Vec::new();
    for (_, programme) in services.content.programmes().iter().filter(|(_, p)| !p.measures.is_empty()) {
        let chosen = measurement::measures(pool, organisation_id, programme).await?;
        let rows = chosen
            .iter()
            .map(|m| {
                let name = stegvis_content::instruments::by_id(&m.instrument).map(|i| i.abbreviation).unwrap_or_default();
                let usable = available.iter().any(|a| a.instrument.id == m.instrument && a.text.is_some());
                view! {
                    <tr>
                        <th scope="row">{name}{(!usable).then(|| view! { <span class="hint">" ("{td_string!(i18n, admin.instrument_unavailable_short).to_string()}")"</span> })}</th>
                        {When::ALL.into_iter().map(|w| {
                            let key = schedule_key(&m.instrument, w);
                            let id = format!("{}-{}", programme.id, key.replace('~', "-"));
                            view! {
                                <td>
                                    <input type="checkbox" id=id.clone() name=key value="on" checked=m.when.contains(&w)/>
                                    <label for=id class="visually-hidden">{format!("{name}: {}", when_text(w))}</label>
                                </td>
                            }
                        }).collect_view()}
                    </tr>
                }
            })
            .collect_view();
        schedules.push(view! {
            <form method="post" action=SetMeasures::PATH class="stack">
                <input type="hidden" name="programme" value=programme.id.clone()/>
                <h4>{programme.title.get(lang).to_string()}</h4>
                <div class="table-wrap">
                    <table class="schedule">
                        <thead><tr>
                            <th scope="col">{td_string!(i18n, admin.instrument).to_string()}</th>
                            {When::ALL.into_iter().map(|w| view! { <th scope="col">{when_text(w)}</th> }).collect_view()}
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <button type="submit" class="button secondary">{td_string!(i18n, admin.save_schedule).to_string()}</button>
            </form>
        });
    }
    Ok(view! {
        <section aria-labelledby="instruments-heading" id="instruments">
            <h2 id="instruments-heading">{td_string!(i18n, admin.instruments).to_string()}</h2>
            <p>{td_string!(i18n, admin.instruments_intro).to_string()}</p>
            <Table headings=vec![
                td_string!(i18n, admin.instrument).to_string(),
                td_string!(i18n, admin.licence).to_string(),
                td_string!(i18n, admin.status).to_string(),
                td_string!(i18n, admin.fhir).to_string(),
            ]>
                {rows}
            </Table>
            <form method="post" action=UploadPack::PATH class="stack card">
                <div class="field" class:invalid=pack_error>
                    <label for="pack">{td_string!(i18n, admin.pack_label).to_string()}</label>
                    <p class="hint" id="pack-hint">{td_string!(i18n, admin.pack_hint).to_string()}</p>
                    <textarea id="pack" name="source" rows="10" spellcheck="false" aria-describedby="pack-hint" aria-invalid=pack_error.then_some("true")>{pack_value}</textarea>
                </div>
                <button type="submit" class="button">{td_string!(i18n, admin.pack_submit).to_string()}</button>
            </form>
            <h3 id="schedules">{td_string!(i18n, admin.schedules).to_string()}</h3>
            <p class="hint">{td_string!(i18n, admin.schedules_hint).to_string()}</p>
            {schedules}
        </section>
    })
}

/// The text of each notification mail, built in or the organisation's own, in both languages.
/// The subject, the link and the closing stay fixed, so no wording can make a mail say more
/// than that there is something new.
async fn notification_texts(organisation_id: i64, flash: &Flash) -> Result<impl IntoView + use<>, Error> {
    let i18n = locale();
    let own = notify::own_texts(&services().db.pool, organisation_id).await?;
    let forms = Notice::all()
        .map(|notice| {
            let own_text = |l: &str| own.iter().find(|(n, locale, _)| *n == notice && locale == l).map(|(_, _, text)| text.clone());
            let changed = notify::LOCALES.iter().any(|l| own_text(l).is_some());
            let kept = flash.value("kind").as_deref() == Some(notice.as_str());
            let fields = notify::LOCALES
                .iter()
                .map(|l| {
                    let field = notify::text_field(notice, l);
                    let value = if kept { flash.value(&field) } else { None }.or_else(|| own_text(l)).unwrap_or_else(|| mails::default_text(notice, mails::locale_of(l)));
                    let label = if *l == "en" { td_string!(i18n, in_english) } else { td_string!(i18n, in_norwegian) };
                    view! {
                        <div class="field" class:invalid=flash.error(&field).is_some()>
                            <label for=field.clone()>{label.to_string()}</label>
                            {field_error(flash, &field)}
                            <textarea id=field.clone() name=field.clone() rows="3" maxlength=notify::MAX_TEXT.to_string() aria-describedby=described(flash, &field)>{value}</textarea>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <details open=kept>
                    <summary>{notice_name(notice)}{changed.then(|| format!(" ({})", td_string!(i18n, admin.notice_text_own)))}</summary>
                    <form method="post" action=SetNotificationTexts::PATH class="stack">
                        <input type="hidden" name="kind" value=notice.as_str()/>
                        {fields}
                        <div class="actions">
                            <button type="submit" class="button secondary">{td_string!(i18n, admin.notice_text_save).to_string()}</button>
                            {changed.then(|| view! { <button type="submit" name="reset" value="yes" class="button secondary">{td_string!(i18n, admin.notice_text_reset).to_string()}</button> })}
                        </div>
                    </form>
                </details>
            }
        })
        .collect_view();
    Ok(view! {
        <section aria-labelledby="notice-texts-heading" id="notice-texts">
            <h2 id="notice-texts-heading">{td_string!(i18n, admin.notice_texts_title).to_string()}</h2>
            <p class="hint">{td_string!(i18n, admin.notice_texts_intro).replace("{subject}", td_string!(i18n, mail.notice_subject)).replace("{closing}", td_string!(i18n, mail.notice_outro))}</p>
            {forms}
        </section>
    })
}

/// Mails that could not be sent to this organisation's people: what an administrator must see
/// (the worker keeps trying; "try now" makes it try at once).
async fn mail_status(organisation_id: i64) -> Result<impl IntoView, Error> {
    let i18n = locale();
    let stuck = mail::stuck_in(&services().db.pool, organisation_id).await?;
    Ok(view! {
        <section aria-labelledby="mail-heading" id="mail">
            <h2 id="mail-heading">{td_string!(i18n, admin.mail_title).to_string()}</h2>
            <p class="hint">{td_string!(i18n, admin.mail_intro).to_string()}</p>
            {if stuck.is_empty() {
                view! { <p>{td_string!(i18n, admin.mail_none_stuck).to_string()}</p> }.into_any()
            } else {
                view! {
                    <Table headings=vec![
                        td_string!(i18n, admin.mail_to).to_string(),
                        td_string!(i18n, admin.mail_since).to_string(),
                        td_string!(i18n, admin.mail_attempts).to_string(),
                        td_string!(i18n, admin.mail_error).to_string(),
                        td_string!(i18n, admin.mail_action).to_string(),
                    ]>
                        {stuck.into_iter().map(|m| view! {
                            <tr>
                                <td>{m.to_address}</td>
                                <td>{date(m.created_at)}" "{clock(m.created_at)}</td>
                                <td>{m.attempts}</td>
                                <td>{m.last_error.unwrap_or_default()}</td>
                                <td>
                                    <form method="post" action=RetryMail::PATH class="inline">
                                        <input type="hidden" name="id" value=m.id.to_string()/>
                                        <button type="submit" class="button secondary">{td_string!(i18n, admin.mail_retry).to_string()}</button>
                                    </form>
                                </td>
                            </tr>
                        }).collect_view()}
                    </Table>
                }.into_any()
            }}
        </section>
    })
}
