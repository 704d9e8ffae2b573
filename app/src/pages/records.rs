//! The patient's own data: everything Stegvis holds about them on one printable page, the same
//! as a JSON download, and the request to delete (a task for a clinician, answered here).

use leptos::{prelude::*, server_fn::ServerFn};
use stegvis_content::instruments;
use stegvis_platform::{org::Role, records, Error};

use crate::{
    api::records::RequestDeletion,
    components::{date, iso_date, load, FlashMessages, Heading, Table},
    context::{locale, require_viewer, services, Flash},
    i18n::*,
    pages::{
        escalation::flag_kind_text,
        guidance::{described, field_error},
        intake::{choice_label, question_label},
        worksheet::AnswersView,
    },
};

#[component]
pub fn MyDataPage() -> impl IntoView {
    let i18n = locale();
    load(async move {
        let viewer = require_viewer()?;
        viewer.require(&[Role::Patient])?;
        let services = services();
        let all = records::everything(&services.db.pool, &viewer).await?;
        let flash = Flash::take().await;
        let lang = i18n.as_str();
        let programme_title = |version: i64| services.content.programmes().iter().find(|(v, _)| *v == version).map(|(_, p)| p.title.get(lang).to_string());
        let open_request = all.deletion_requests.iter().find(|r| r.handled_at.is_none()).cloned();
        let section = |id: &'static str, title: String, body: AnyView| {
            view! {
                <section aria-labelledby=format!("{id}-heading") class="card">
                    <h2 id=format!("{id}-heading")>{title}</h2>
                    {body}
                </section>
            }
        };
        let none = || view! { <p class="hint">{td_string!(i18n, records.none).to_string()}</p> }.into_any();
        let referrals = if all.referrals.is_empty() { none() } else {
            all.referrals.iter().map(|r| {
                let screening: Vec<String> = all.screenings.iter().filter(|s| s.0 == r.id).filter_map(|s| Some(format!("{} {}", instruments::by_id(&s.1)?.abbreviation, s.3))).collect();
                view! {
                    <dl class="facts">
                        <dt>{td_string!(i18n, intake.col_referred).to_string()}</dt><dd>{date(r.referred_at)}</dd>
                        <dt>{question_label(i18n, "main_problem")}</dt><dd>{choice_label(i18n, "main_problem", &r.main_problem)}</dd>
                        <dt>{td_string!(i18n, intake.screening_title).to_string()}</dt><dd>{screening.join(", ")}</dd>
                    </dl>
                }
            }).collect_view().into_any()
        };
        let programmes = if all.enrolments.is_empty() { none() } else {
            view! { <ul>{all.enrolments.iter().map(|e| view! {
                <li>{programme_title(e.programme_version_id).unwrap_or_default()}": "{iso_date(&e.start_date)}" – "{iso_date(&e.end_date)}</li>
            }).collect_view()}</ul> }.into_any()
        };
        let homework = if all.homework.is_empty() { none() } else {
            all.homework.iter().cloned().map(|s| {
                let title = s.worksheet.title.get(lang).to_string();
                view! {
                    <article class="submission">
                        <h3>{title}" ("{date(s.submitted_at)}")"</h3>
                        <AnswersView worksheet=s.worksheet answers=s.answers/>
                        {s.feedback.map(|f| view! { <p><strong>{f.therapist_name}": "</strong><span class="written">{f.body}</span></p> })}
                    </article>
                }
            }).collect_view().into_any()
        };
        let questionnaires = if all.questionnaires.is_empty() { none() } else {
            let headings = vec![td_string!(i18n, records.instrument).to_string(), td_string!(i18n, records.when).to_string(), td_string!(i18n, records.total).to_string()];
            view! { <Table headings>{all.questionnaires.iter().map(|r| view! {
                <tr><td>{r.instrument().map(|i| i.abbreviation).unwrap_or_default()}</td><td>{date(r.submitted_at)}</td><td>{r.total}</td></tr>
            }).collect_view()}</Table> }.into_any()
        };
        let messages = if all.messages.is_empty() { none() } else {
            view! { <ul class="thread">{all.messages.iter().map(|m| view! {
                <li><strong>{m.author_name.clone()}</strong>" · "{date(m.created_at)}<p class="written">{m.body.clone()}</p></li>
            }).collect_view()}</ul> }.into_any()
        };
        let journal = if all.journal_notes.is_empty() && all.contacts.is_empty() { none() } else {
            view! {
                <ul>
                    {all.contacts.iter().map(|c| view! { <li>{iso_date(&c.held_on)}" · "{c.therapist_name.clone()}" · "{c.minutes}" min: "{c.summary.clone()}</li> }).collect_view()}
                    {all.journal_notes.iter().map(|n| view! { <li>{iso_date(&n.current.written_on)}" · "{n.current.author_name.clone()}": "<span class="written">{n.current.body.clone()}</span></li> }).collect_view()}
                </ul>
            }.into_any()
        };
        let flags = if all.flags.is_empty() { none() } else {
            view! { <ul>{all.flags.iter().map(|f| view! {
                <li>{date(f.raised_at)}": "{flag_kind_text(&f.kind)}{f.note.clone().map(|n| format!(" – {n}"))}</li>
            }).collect_view()}</ul> }.into_any()
        };
        let deletion = match open_request {
            Some(r) => view! { <p role="status">{td_string!(i18n, records.deletion_pending).replace("{date}", &date(r.requested_at))}</p> }.into_any(),
            None => view! {
                <form method="post" action=RequestDeletion::PATH class="stack">
                    <div class="field" class:invalid=flash.error("deletion_message").is_some()>
                        <label for="deletion_message">{td_string!(i18n, records.deletion_label).to_string()}</label>
                        {field_error(&flash, "deletion_message")}
                        <textarea id="deletion_message" name="deletion_message" rows="3" aria-describedby=described(&flash, "deletion_message")>{flash.value("deletion_message").unwrap_or_default()}</textarea>
                    </div>
                    <button type="submit" class="button secondary">{td_string!(i18n, records.deletion_button).to_string()}</button>
                </form>
            }.into_any(),
        };
        let answered = all.deletion_requests.iter().filter(|r| r.handled_at.is_some()).map(|r| view! {
            <p>{td_string!(i18n, records.deletion_answered).replace("{date}", &date(r.handled_at.unwrap_or_default())).replace("{name}", r.handled_by_name.as_deref().unwrap_or_default())}" "<span class="written">{r.answer.clone().unwrap_or_default()}</span></p>
        }).collect_view();
        Ok::<_, Error>(view! {
            <Heading text=td_string!(i18n, records.title).to_string()/>
            <FlashMessages flash=flash.clone()/>
            <p class="lead">{td_string!(i18n, records.intro).to_string()}</p>
            <p class="actions"><a class="button secondary" href="/downloads/my-record.json" download="">{td_string!(i18n, records.download).to_string()}</a></p>
            {section("person", td_string!(i18n, records.person).to_string(), view! {
                <dl class="facts"><dt>{td_string!(i18n, intake.name).to_string()}</dt><dd>{all.name.clone()}</dd><dt>{td_string!(i18n, intake.email).to_string()}</dt><dd>{all.email.clone()}</dd><dt>{td_string!(i18n, organisation).to_string()}</dt><dd>{all.organisation.clone()}</dd></dl>
            }.into_any())}
            {section("referrals", td_string!(i18n, records.referrals).to_string(), referrals)}
            {section("programmes", td_string!(i18n, records.programmes).to_string(), programmes)}
            {section("homework", td_string!(i18n, records.homework).to_string(), homework)}
            {section("questionnaires", td_string!(i18n, records.questionnaires).to_string(), questionnaires)}
            {section("messages", td_string!(i18n, records.messages).to_string(), messages)}
            {section("journal", td_string!(i18n, records.journal).to_string(), journal)}
            {section("flags", td_string!(i18n, records.flags).to_string(), flags)}
            <section aria-labelledby="deletion-heading" class="card" id="deletion">
                <h2 id="deletion-heading">{td_string!(i18n, records.deletion_title).to_string()}</h2>
                <p>{td_string!(i18n, records.deletion_intro).to_string()}</p>
                {answered}
                {deletion}
            </section>
        })
    })
}
