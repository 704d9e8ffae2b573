use std::process::ExitCode;

use clap::Parser;
use stegvis_server::{config::LogFormat, seed, Cli, Command, Config, ContentCommand};
use tokio::net::TcpListener;

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,tower_sessions=warn,axum_login=warn".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false);
    match format {
        LogFormat::Json => builder.json().flatten_event(true).init(),
        LogFormat::Text => builder.init(),
    }
}

/// Resolves on Ctrl-C or SIGTERM (what a service manager sends). The handler is installed
/// here, before the server says it is serving, so no early signal kills the process outright.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
        tracing::info!("shutting down: finishing requests in flight");
    })
}

fn print_demo_logins(config: &Config) {
    println!("\nStegvis demo log-ins (password for all: {}):", seed::DEMO_PASSWORD);
    for (role, email) in seed::DEMO_LOGINS {
        println!("  {role:<20} {email}");
    }
    println!("Mails (password reset, invitations) are written to {}/\n", config.mail_dir.display());
}

async fn run(cli: Cli) -> Result<(), String> {
    let config = cli.config;
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Content(ContentCommand::Check { dir }) = &command {
        let dir = dir.as_ref().unwrap_or(&config.content_dir);
        let library = stegvis_server::check_content(dir).map_err(|e| e.to_string())?;
        let modules: usize = library.programmes.iter().map(|p| p.modules.len()).sum();
        println!("{}: valid ({} programmes, {modules} modules including optional ones)", dir.display(), library.programmes.len());
        return Ok(());
    }
    config.validate().map_err(|e| e.to_string())?;
    let db = stegvis_server::open_database(&config).await.map_err(|e| e.to_string())?;
    if command == Command::Migrate {
        return Ok(());
    }
    let content = stegvis_server::open_content(&config, &db).await.map_err(|e| e.to_string())?;
    if command == Command::SeedDemo || (command == Command::Serve && config.demo_data) {
        seed::demo(&db, &content, &config.origin().map_err(|e| e.to_string())?).await.map_err(|e| format!("could not load the demo data: {e}"))?;
        print_demo_logins(&config);
    }
    if command != Command::Serve {
        return Ok(());
    }
    let shutdown = shutdown_signal().map_err(|e| format!("cannot install the signal handler: {e}"))?;
    let listener = TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("cannot listen on {} (LEPTOS_SITE_ADDR): {e}", config.addr))?;
    tracing::info!(addr = %config.addr, backend = ?db.backend, "Stegvis is serving on http://{}", config.addr);
    stegvis_server::serve(&config, db, content, listener, shutdown).await.map_err(|e| e.to_string())
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.config.log_format);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("stegvis: {message}");
            ExitCode::from(2)
        }
    }
}
