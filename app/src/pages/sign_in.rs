//! Log-in, forgotten password, new password and invitation pages.

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_query_map;
use stegvis_platform::{accounts, org::Role, Error};

use crate::{
    api::auth::{AcceptInvitation, ForgotPassword, Login, ResetPassword},
    components::{load, role_name, Field, FlashMessages, Heading},
    context::{local_path, locale, services, set_cookie, viewer, Flash, SIGNED_IN_COOKIE},
    i18n::*,
};

fn query(name: &str) -> Option<String> {
    use_query_map().read_untracked().get(name)
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = locale();
    let next = query("next");
    let expired = query("expired").is_some();
    if viewer().is_some() {
        leptos_axum::redirect(&local_path(next.as_deref()));
    } else if expired {
        // Said once: the next time out of a session is not "expired" again.
        set_cookie(SIGNED_IN_COOKIE, "", 0);
    }
    load(async move {
        let flash = Flash::take().await;
        Ok::<_, Error>(view! {
            <Heading text=td_string!(i18n, login.title).to_string()/>
            {expired.then(|| view! { <p class="notice" role="status">{td_string!(i18n, login.expired).to_string()}</p> })}
            <FlashMessages flash=flash.clone()/>
            <p>{td_string!(i18n, login.intro).to_string()}</p>
            <form method="post" action=Login::PATH class="stack">
                {next.map(|n| view! { <input type="hidden" name="next" value=n/> })}
                <Field name="email" label=td_string!(i18n, login.email).to_string() kind="email" autocomplete="username" flash=flash.clone() keep_value=true/>
                <Field name="password" label=td_string!(i18n, login.password).to_string() kind="password" autocomplete="current-password" flash=flash.clone()/>
                <button type="submit" class="button">{td_string!(i18n, login.submit).to_string()}</button>
            </form>
            <p><a href="/forgot-password">{td_string!(i18n, login.forgot).to_string()}</a></p>
        })
    })
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = locale();
    load(async move {
        let flash = Flash::take().await;
        Ok::<_, Error>(view! {
            <Heading text=td_string!(i18n, forgot.title).to_string()/>
            <FlashMessages flash=flash.clone()/>
            <p>{td_string!(i18n, forgot.intro).to_string()}</p>
            <form method="post" action=ForgotPassword::PATH class="stack">
                <Field name="email" label=td_string!(i18n, login.email).to_string() kind="email" autocomplete="email" flash=flash.clone() keep_value=true/>
                <button type="submit" class="button">{td_string!(i18n, forgot.submit).to_string()}</button>
            </form>
        })
    })
}

/// The two password fields of the reset and invitation forms.
#[component]
fn NewPasswordFields(flash: Flash) -> impl IntoView {
    let i18n = locale();
    view! {
        <Field name="password" label=td_string!(i18n, reset.password).to_string() kind="password" autocomplete="new-password"
            hint=td_string!(i18n, reset.intro).to_string() flash=flash.clone()/>
        <Field name="password_repeat" label=td_string!(i18n, reset.password_repeat).to_string() kind="password" autocomplete="new-password" flash/>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let i18n = locale();
    let token = query("token").unwrap_or_default();
    load(async move {
        let flash = Flash::take().await;
        let valid = accounts::reset_token_valid(&services().db.pool, &token).await?;
        Ok::<_, Error>(view! {
            <Heading text=td_string!(i18n, reset.title).to_string()/>
            {if valid {
                view! {
                    <FlashMessages flash=flash.clone()/>
                    <form method="post" action=ResetPassword::PATH class="stack">
                        <input type="hidden" name="token" value=token/>
                        <NewPasswordFields flash/>
                        <button type="submit" class="button">{td_string!(i18n, reset.submit).to_string()}</button>
                    </form>
                }.into_any()
            } else {
                view! {
                    <p>{td_string!(i18n, reset.expired).to_string()}</p>
                    <p><a href="/forgot-password">{td_string!(i18n, login.forgot).to_string()}</a></p>
                }.into_any()
            }}
        })
    })
}

#[component]
pub fn InvitationPage() -> impl IntoView {
    let i18n = locale();
    let token = query("token").unwrap_or_default();
    load(async move {
        let flash = Flash::take().await;
        let pool = &services().db.pool;
        let Some((invitation, has_password)) = accounts::open_invitation(pool, &token).await? else {
            return Ok(view! {
                <Heading text=td_string!(i18n, invitation.title).to_string()/>
                <p>{td_string!(i18n, invitation.expired).to_string()}</p>
            }.into_any());
        };
        let organisation = stegvis_platform::org::name(pool, invitation.organisation_id).await?;
        let role = Role::parse(&invitation.role).map(role_name).unwrap_or_default().to_lowercase();
        let (o, r) = (organisation.clone(), role.clone());
        let intro = if has_password {
            td!(i18n, invitation.intro_existing, organisation = move || o.clone(), role = move || r.clone()).into_any()
        } else {
            td!(i18n, invitation.intro, organisation = move || organisation.clone(), role = move || role.clone()).into_any()
        };
        let submit = if has_password { td_string!(i18n, invitation.accept_existing) } else { td_string!(i18n, invitation.accept) };
        Ok(view! {
            <Heading text=td_string!(i18n, invitation.title).to_string()/>
            <FlashMessages flash=flash.clone()/>
            <p>{intro}</p>
            <form method="post" action=AcceptInvitation::PATH class="stack">
                <input type="hidden" name="token" value=token/>
                {(!has_password).then(|| view! { <NewPasswordFields flash/> })}
                <button type="submit" class="button">{submit.to_string()}</button>
            </form>
        }.into_any())
    })
}
