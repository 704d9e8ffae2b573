//! The Stegvis server: configuration, the HTTP stack around the Leptos app, background jobs.

pub mod config;
mod downloads;
pub mod seed;
mod security;

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use axum_login::AuthManagerLayerBuilder;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use stegvis_app::{shell, App};
use stegvis_platform::{
    access::{Viewer, ORGANISATION_KEY},
    accounts::{Accounts, LoginLimits},
    content::Content,
    db::Db,
    mail::{Outbox, Transport},
    notify::Notifier,
    flag_sweep, patients, reminders,
    tower_sessions::{cookie::SameSite, Expiry, ExpiredDeletion, Session, SessionManagerLayer},
    AuthSession, CurrentViewer, Services,
};
use tokio::{net::TcpListener, sync::watch};
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    services::ServeDir,
    set_header::SetResponseHeaderLayer,
    trace::{DefaultOnResponse, TraceLayer},
};

pub use config::{Cli, Command, Config, ConfigError, ContentCommand};
pub use security::client_ip;

/// Opens and migrates the database named by the configuration.
pub async fn open_database(config: &Config) -> Result<Db, ConfigError> {
    Db::connect(&config.database_url).await.map_err(|e| ConfigError(e.to_string()))
}

/// Loads and validates a content folder; on failure every problem, one per line.
pub fn check_content(dir: &std::path::Path) -> Result<stegvis_content::Library, ConfigError> {
    stegvis_content::load(dir).map_err(|problems| {
        let list: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        ConfigError(format!("the content in {} has {} problem(s):\n{}", dir.display(), problems.len(), list.join("\n")))
    })
}

/// Loads the content folder (CONTENT_DIR) and stores any new programme snapshots.
pub async fn open_content(config: &Config, db: &Db) -> Result<Arc<Content>, ConfigError> {
    let library = check_content(&config.content_dir)?;
    let content = Content::install(&db.pool, library).await.map_err(|e| ConfigError(format!("cannot store the content snapshots: {e}")))?;
    Ok(Arc::new(content))
}

/// Loads who is asking (if anyone) once per request, for pages and server functions alike.
async fn load_viewer(State(db): State<Db>, auth: AuthSession, session: Session, mut req: Request, next: Next) -> Response {
    let viewer = match auth.user {
        Some(user) => {
            let chosen = session.get::<i64>(ORGANISATION_KEY).await.ok().flatten();
            match Viewer::load(&db.pool, user, chosen).await {
                Ok(v) => {
                    // A patient's requests are their activity (the caseload's "last active").
                    if let Some(patient_id) = v.membership().ok().and_then(|m| m.patient_id) {
                        if let Err(error) = patients::touch(&db.pool, patient_id).await {
                            tracing::warn!(%error, "could not note activity");
                        }
                    }
                    Some(Arc::new(v))
                }
                Err(error) => {
                    tracing::error!(%error, "could not load the viewer");
                    return StatusCode::INTERNAL_SERVER_ERROR.into_response();
                }
            }
        }
        None => None,
    };
    req.extensions_mut().insert(CurrentViewer(viewer));
    next.run(req).await
}

async fn health(State(db): State<Db>) -> Response {
    match stegvis_platform::org::ping(&db.pool).await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(error) => {
            tracing::error!(%error, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

/// The whole HTTP application over an opened database.
pub fn router(config: &Config, db: Db, content: Arc<Content>) -> Result<Router, ConfigError> {
    let origin = config.origin()?;
    let notifier = notifier(&origin);
    let services = Services { db: db.clone(), public_origin: origin.clone(), content, notifier };
    let idle = stegvis_app::IdleTimeout(config.session_idle_minutes * 60);
    let leptos_options = LeptosOptions::builder()
        .output_name("stegvis")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build();
    let context = move || {
        provide_context(services.clone());
        provide_context(idle);
        if let Some(nonce) = use_context::<http::request::Parts>().and_then(|p| p.extensions.get::<security::CspNonce>().cloned()) {
            provide_context(leptos::nonce::Nonce::from_value(nonce.0));
        }
    };
    let routes = generate_route_list(App);
    let app = Router::new()
        .leptos_routes_with_context(&leptos_options, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(context, shell))
        .with_state(leptos_options)
        .merge(downloads::routes(db.pool.clone()));

    let sessions = SessionManagerLayer::new(db.session_store())
        .with_name(stegvis_platform::SESSION_COOKIE)
        .with_secure(config.secure_cookies())
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(config.session_idle_minutes.into())))
        // Without this the expiry only moves when the session changes: every page view must
        // count as activity.
        .with_always_save(true);
    let limits = LoginLimits {
        per_account: config.login_limit_per_account,
        per_ip: config.login_limit_per_ip,
        ..LoginLimits::default()
    };
    let auth = AuthManagerLayerBuilder::new(Accounts::new(db.pool.clone(), limits), sessions).build();
    let policy = security::Policy { origin, trusted_proxies: Arc::new(config.trusted_proxies.clone()) };

    // Layers run outside-in for requests: the last added is the first to see a request.
    let pages = app
        .layer(middleware::from_fn_with_state(db.clone(), load_viewer))
        .layer(auth)
        .layer(middleware::from_fn(security::guard_server_functions))
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
        .layer(middleware::from_fn_with_state(policy.clone(), security::require_same_origin));
    // The CSS, JS and wasm need no session: served beside the pages, not through them.
    // Their names do not change between builds, so browsers revalidate them (cheap 304s).
    let assets = Router::new()
        .nest_service(
            "/pkg",
            ServeDir::new(std::path::Path::new(&config.site_root).join("pkg")).precompressed_gzip().precompressed_br(),
        )
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-cache")));
    Ok(Router::new()
        .route("/health", get(health).with_state(db))
        .merge(assets)
        .merge(pages)
        .layer(CatchPanicLayer::custom(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response()))
        .layer(middleware::from_fn(security::error_pages))
        .layer(middleware::from_fn(security::security_headers))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    // The path only: query strings may hold one-time link tokens.
                    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", method = %req.method(), path = req.uri().path(), request_id = id)
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(middleware::from_fn_with_state(policy, security::identify))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid)))
}

/// Notifications in the app's words, linking to the public origin.
fn notifier(origin: &str) -> Notifier {
    Notifier { compose: stegvis_app::mails::notification, public_origin: origin.to_string() }
}

/// Background work: the mail outbox, reminders to patients, the time-based flag rules and
/// expired-session clean-up.
/// Several instances may run these at once; each claims its own rows.
pub fn spawn_jobs(config: &Config, db: &Db, content: Arc<Content>, shutdown: watch::Receiver<bool>) -> Result<Vec<tokio::task::JoinHandle<()>>, ConfigError> {
    let transport = match &config.smtp_url {
        Some(url) => Transport::smtp(url).map_err(ConfigError)?,
        None => Transport::File(config.mail_dir.clone()),
    };
    let from = config.mail_from.parse().map_err(|e| ConfigError(format!("MAIL_FROM: {e}")))?;
    // Message-IDs name the public host, so receivers can tell a resent mail from a new one.
    let message_id_domain = url::Url::parse(&config.public_origin)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "stegvis.invalid".to_owned());
    let outbox = Outbox {
        pool: db.pool.clone(),
        backend: db.backend,
        transport,
        from,
        message_id_domain,
        claim_seconds: stegvis_platform::mail::CLAIM_SECONDS,
    };
    let stopped = |mut rx: watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };
    let mail = tokio::spawn(outbox.run(Duration::from_secs(2), stopped(shutdown.clone())));
    let reminders = {
        let (pool, notifier, mut rx) = (db.pool.clone(), notifier(&config.origin()?), shutdown.clone());
        tokio::spawn(async move {
            loop {
                if let Err(error) = reminders::run(&pool, &content, &notifier, stegvis_platform::now()).await {
                    tracing::warn!(%error, "reminders");
                }
                // The retention schedule rides on the same half-hourly beat.
                if let Err(error) = stegvis_platform::records::apply_retention(&pool, stegvis_platform::now()).await {
                    tracing::warn!(%error, "retention");
                }
                tokio::select! {
                    _ = rx.wait_for(|stop| *stop) => break,
                    _ = tokio::time::sleep(Duration::from_secs(30 * 60)) => {}
                }
            }
        })
    };
    // The time-based flag rules and the escalation of unacknowledged urgent flags. Every five
    // minutes, so an escalation is at most that late; each flag is raised and escalated once.
    let flag_rules = {
        let (pool, notifier, mut rx) = (db.pool.clone(), notifier(&config.origin()?), shutdown.clone());
        tokio::spawn(async move {
            loop {
                if let Err(error) = flag_sweep::run(&pool, &notifier, stegvis_platform::now()).await {
                    tracing::warn!(%error, "flag rules");
                }
                tokio::select! {
                    _ = rx.wait_for(|stop| *stop) => break,
                    _ = tokio::time::sleep(Duration::from_secs(5 * 60)) => {}
                }
            }
        })
    };
    let store = db.session_store();
    let mut rx = shutdown;
    let sessions = tokio::spawn(async move {
        loop {
            if let Err(error) = store.delete_expired().await {
                tracing::warn!(%error, "could not delete expired sessions");
            }
            tokio::select! {
                _ = rx.wait_for(|stop| *stop) => break,
                _ = tokio::time::sleep(Duration::from_secs(600)) => {}
            }
        }
    });
    Ok(vec![mail, reminders, flag_rules, sessions])
}

/// Serves until `shutdown` resolves, then finishes the requests in flight and stops the jobs.
pub async fn serve(
    config: &Config,
    db: Db,
    content: Arc<Content>,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ConfigError> {
    let app = router(config, db.clone(), content.clone())?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let jobs = spawn_jobs(config, &db, content, stop_rx)?;
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| ConfigError(format!("server error: {e}")))?;
    let _ = stop_tx.send(true);
    for job in jobs {
        let _ = job.await;
    }
    Ok(())
}
