//! The document shell, the layout around every page, and the routes.

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    hooks::use_location,
    path, SsrMode,
};
use stegvis_platform::org::Role;

use crate::{
    api::{
        account::{SetLanguage, SwitchOrganisation},
        auth::Logout,
    },
    components::{Problem, ProblemPage},
    context::{locale, viewer, IdleTimeout},
    i18n::*,
    islands::SessionTimeout,
    pages::{
        account::{AccessLogPage, SettingsPage},
        admin::AdminPage,
        escalation::{HandoverPage, HelpPage},
        home::HomePage,
        intake::{IntakePage, NewReferralPage, ReferralFormPage, ReferralPage, ReferralReceivedPage},
        records::MyDataPage,
        report::ReportPage,
        measurement::{ProgressPage, QuestionnairePage, QuestionnairesPage, StaffResponsePage},
        messages::MessagesPage,
        patients::{PatientPage, PatientsPage},
        programmes::{ModulePage, ProgrammePage, StaffHomeworkPage},
        sign_in::{ForgotPasswordPage, InvitationPage, LoginPage, ResetPasswordPage},
    },
};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = locale().as_str();
    view! {
        <!DOCTYPE html>
        <html lang=lang>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="referrer" content="same-origin"/>
                <link rel="stylesheet" href="/pkg/stegvis.css"/>
                <link rel="icon" href="data:,"/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Every route is rendered whole before it is sent (`SsrMode::Async`), so a page can still
/// answer with a redirect or a 404 after it has looked in the database.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Router>
                <Layout>
                    <Routes fallback=|| view! { <ProblemPage problem=Problem::NotFound/> }>
                        <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                        <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                        <Route path=path!("/forgot-password") view=ForgotPasswordPage ssr=SsrMode::Async/>
                        <Route path=path!("/reset-password") view=ResetPasswordPage ssr=SsrMode::Async/>
                        <Route path=path!("/invitation") view=InvitationPage ssr=SsrMode::Async/>
                        <Route path=path!("/patients") view=PatientsPage ssr=SsrMode::Async/>
                        <Route path=path!("/patients/:id") view=PatientPage ssr=SsrMode::Async/>
                        <Route path=path!("/patients/:id/programmes/:enrolment/modules/:module") view=StaffHomeworkPage ssr=SsrMode::Async/>
                        <Route path=path!("/patients/:id/responses/:response") view=StaffResponsePage ssr=SsrMode::Async/>
                        <Route path=path!("/patients/:id/handovers/:change") view=HandoverPage ssr=SsrMode::Async/>
                        <Route path=path!("/help") view=HelpPage ssr=SsrMode::Async/>
                        <Route path=path!("/questionnaires") view=QuestionnairesPage ssr=SsrMode::Async/>
                        <Route path=path!("/questionnaires/:id") view=QuestionnairePage ssr=SsrMode::Async/>
                        <Route path=path!("/progress") view=ProgressPage ssr=SsrMode::Async/>
                        <Route path=path!("/messages") view=MessagesPage ssr=SsrMode::Async/>
                        <Route path=path!("/programmes/:enrolment") view=ProgrammePage ssr=SsrMode::Async/>
                        <Route path=path!("/programmes/:enrolment/modules/:module") view=ModulePage ssr=SsrMode::Async/>
                        <Route path=path!("/admin") view=AdminPage ssr=SsrMode::Async/>
                        <Route path=path!("/refer/:organisation") view=ReferralFormPage ssr=SsrMode::Async/>
                        <Route path=path!("/refer/:organisation/received") view=ReferralReceivedPage ssr=SsrMode::Async/>
                        <Route path=path!("/intake") view=IntakePage ssr=SsrMode::Async/>
                        <Route path=path!("/intake/new") view=NewReferralPage ssr=SsrMode::Async/>
                        <Route path=path!("/intake/:referral") view=ReferralPage ssr=SsrMode::Async/>
                        <Route path=path!("/reports") view=ReportPage ssr=SsrMode::Async/>
                        <Route path=path!("/my-data") view=MyDataPage ssr=SsrMode::Async/>
                        <Route path=path!("/settings") view=SettingsPage ssr=SsrMode::Async/>
                        <Route path=path!("/access-log") view=AccessLogPage ssr=SsrMode::Async/>
                    </Routes>
                </Layout>
        </Router>
    }
}

#[component]
fn Layout(children: Children) -> impl IntoView {
    let i18n = locale();
    let viewer = viewer();
    let location = use_location();
    let search = location.search.get_untracked();
    let path = location.pathname.get_untracked();
    let here = if search.is_empty() { path } else { format!("{path}?{search}") };
    let (other_locale, other_label) = match i18n {
        Locale::nb => ("en", td_string!(i18n, in_english).to_string()),
        Locale::en => ("nb", td_string!(i18n, in_norwegian).to_string()),
    };
    let nav = viewer.as_ref().map(|v| {
        let roles = v.roles().to_vec();
        let link = |href: &'static str, text: String| view! { <li><a href=href>{text}</a></li> };
        let staff_list = roles.iter().any(|r| matches!(r, Role::Therapist | Role::TeamLead | Role::OrgAdmin));
        view! {
            <nav aria-label=td_string!(i18n, nav_label).to_string()>
                <ul class="nav">
                    {link("/", td_string!(i18n, nav.home).to_string())}
                    {staff_list.then(|| link("/patients", td_string!(i18n, nav.patients).to_string()))}
                    {roles.contains(&Role::TeamLead).then(|| link("/intake", td_string!(i18n, nav.intake).to_string()))}
                    {roles.iter().any(|r| matches!(r, Role::TeamLead | Role::OrgAdmin)).then(|| link("/reports", td_string!(i18n, nav.reports).to_string()))}
                    {roles.contains(&Role::OrgAdmin).then(|| link("/admin", td_string!(i18n, nav.admin).to_string()))}
                    {roles.contains(&Role::Patient).then(|| link("/messages", td_string!(i18n, nav.messages).to_string()))}
                    {roles.contains(&Role::Patient).then(|| link("/progress", td_string!(i18n, nav.progress).to_string()))}
                    {roles.contains(&Role::Patient).then(|| link("/access-log", td_string!(i18n, nav.access_log).to_string()))}
                    {roles.contains(&Role::Patient).then(|| link("/my-data", td_string!(i18n, nav.my_data).to_string()))}
                    {link("/settings", td_string!(i18n, nav.settings).to_string())}
                </ul>
            </nav>
        }
    });
    let organisation = viewer.as_ref().and_then(|v| {
        let current = v.membership().ok()?.organisation.clone();
        let switch = (v.memberships.len() > 1).then(|| {
            view! {
                <form method="post" action=SwitchOrganisation::PATH class="inline">
                    <label for="organisation_id" class="visually-hidden">{td_string!(i18n, switch_organisation).to_string()}</label>
                    <select id="organisation_id" name="organisation_id">
                        {v.memberships.iter().map(|m| {
                            let selected = m.organisation.id == current.id;
                            view! { <option value=m.organisation.id.to_string() selected=selected>{m.organisation.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                    <button type="submit" class="button secondary">{td_string!(i18n, switch).to_string()}</button>
                </form>
            }
        });
        Some(view! {
            <div class="organisation">
                {if switch.is_some() { None } else { Some(view! { <span>{current.name.clone()}</span> }) }}
                {switch}
            </div>
        })
    });
    let logout = viewer.as_ref().map(|_| {
        view! {
            <form method="post" action=Logout::PATH class="inline">
                <button type="submit" class="button secondary">{td_string!(i18n, logout).to_string()}</button>
            </form>
        }
    });
    // "I need more help" on every page a patient sees.
    let help = viewer.as_ref().filter(|v| v.has(Role::Patient)).map(|_| {
        view! { <p class="help-link"><a class="button help" href="/help#more-help">{td_string!(i18n, help.button).to_string()}</a></p> }
    });
    let timeout = viewer.as_ref().map(|_| {
        let idle = use_context::<IdleTimeout>().map(|t| t.0).unwrap_or(30 * 60);
        view! {
            <SessionTimeout idle_seconds=idle warning=td_string!(i18n, timeout.warning).to_string() stay=td_string!(i18n, timeout.stay).to_string()/>
        }
    });
    view! {
        <Title formatter=|page: String| format!("{page} – Stegvis")/>
        <a class="skip-link" href="#main">{td_string!(i18n, skip_to_content).to_string()}</a>
        <header class="site-header">
            <div class="bar">
                <a href="/" class="brand">{td_string!(i18n, app_name).to_string()}</a>
                {organisation}
                <form method="post" action=SetLanguage::PATH class="inline">
                    <input type="hidden" name="locale" value=other_locale/>
                    <input type="hidden" name="back" value=here/>
                    <button type="submit" class="button secondary" lang=other_locale>{other_label}</button>
                </form>
                {logout}
            </div>
            {nav}
            {help}
        </header>
        <main id="main" tabindex="-1">
            {children()}
        </main>
        {timeout}
        <footer class="site-footer">
            <p>{td_string!(i18n, footer_not_emergency).to_string()}</p>
        </footer>
    }
}
