//! Configuration: every setting comes from the environment (or the matching flag), with
//! defaults that run a demo on this machine. `stegvis --help` lists them all.

use std::{net::{IpAddr, SocketAddr}, path::PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "stegvis",
    version,
    about = "Stegvis: guided internet-delivered CBT for municipal and specialist mental health services.",
    long_about = "Stegvis: guided internet-delivered CBT for municipal and specialist mental health services.\n\n\
                  Every option can be given as an environment variable (named in brackets). \
                  With no command, `serve` is run."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

#[derive(Subcommand, Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Migrate the database and serve the application (the default).
    Serve,
    /// Create and migrate the database, then exit.
    Migrate,
    /// Load the demo organisations and print their log-ins (does nothing if they exist).
    SeedDemo,
    /// Work with treatment content (programmes, modules, worksheets).
    #[command(subcommand)]
    Content(ContentCommand),
}

#[derive(Subcommand, Debug, Clone, PartialEq, Eq)]
pub enum ContentCommand {
    /// Validate a content folder and list every problem with its file and line.
    Check {
        /// The folder to check (default: CONTENT_DIR).
        dir: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Args, Debug, Clone)]
pub struct Config {
    /// Database: sqlite://path/to/file.db (created if missing) or postgres://user@host/db.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/stegvis.db")]
    pub database_url: String,

    /// Address and port to listen on.
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// The address people use to reach the service (scheme, host, port; no path). Links in
    /// e-mails point here, and state-changing requests must come from this origin.
    #[arg(long, env = "PUBLIC_ORIGIN", default_value = "http://127.0.0.1:3000")]
    pub public_origin: String,

    /// Folder with the built CSS, JavaScript and wasm (cargo-leptos writes it).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,

    /// Minutes without activity before a session ends.
    #[arg(long, env = "SESSION_IDLE_MINUTES", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=720))]
    pub session_idle_minutes: u32,

    /// Send the session cookie only over HTTPS. Defaults to on when PUBLIC_ORIGIN is https.
    #[arg(long, env = "COOKIE_SECURE", value_parser = clap::builder::BoolishValueParser::new())]
    pub cookie_secure: Option<bool>,

    /// Comma-separated addresses of reverse proxies whose X-Forwarded-For is believed.
    /// Empty (the default): the socket's peer address is the client.
    #[arg(long, env = "TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<IpAddr>,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = 64 * 1024)]
    pub max_body_bytes: usize,

    /// Failed log-ins allowed per account in 15 minutes.
    #[arg(long, env = "LOGIN_LIMIT_PER_ACCOUNT", default_value_t = 5)]
    pub login_limit_per_account: i64,

    /// Failed log-ins allowed per client address in 15 minutes.
    #[arg(long, env = "LOGIN_LIMIT_PER_IP", default_value_t = 30)]
    pub login_limit_per_ip: i64,

    /// Send mail by SMTP, e.g. smtp://user:password@smtp.example.no:587 (STARTTLS) or
    /// smtps://… When unset, mails are written as .eml files to MAIL_DIR.
    #[arg(long, env = "SMTP_URL")]
    pub smtp_url: Option<String>,

    /// Folder for mails when SMTP_URL is unset.
    #[arg(long, env = "MAIL_DIR", default_value = "data/mail")]
    pub mail_dir: PathBuf,

    /// Sender of notification mails. Keep it neutral: it must not reveal a mental-health service.
    #[arg(long, env = "MAIL_FROM", default_value = "Stegvis <no-reply@stegvis.invalid>")]
    pub mail_from: String,

    /// Folder with the treatment content (programmes, modules, worksheets). The server
    /// refuses to start if it is invalid; `stegvis content check` lists the problems.
    #[arg(long, env = "CONTENT_DIR", default_value = "content-modules/content")]
    pub content_dir: PathBuf,

    /// Log format: text for people, json for log collectors.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// Load the demo organisations at start if they are missing (the README's serve command).
    #[arg(long, env = "STEGVIS_DEMO_DATA", default_value_t = false, value_parser = clap::builder::BoolishValueParser::new())]
    pub demo_data: bool,
}

/// A configuration error: said plainly, and the process exits with status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl Config {
    /// The public origin without a trailing slash, checked to be scheme://host[:port].
    pub fn origin(&self) -> Result<String, ConfigError> {
        let url = url::Url::parse(&self.public_origin)
            .map_err(|e| ConfigError(format!("PUBLIC_ORIGIN is not a valid URL ({e}): {}", self.public_origin)))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() || url.path() != "/" || url.query().is_some() {
            return Err(ConfigError(format!(
                "PUBLIC_ORIGIN must be http(s)://host[:port] with no path, got {}",
                self.public_origin
            )));
        }
        Ok(url.origin().ascii_serialization())
    }

    pub fn secure_cookies(&self) -> bool {
        self.cookie_secure.unwrap_or_else(|| self.public_origin.starts_with("https://"))
    }

    /// Checks everything that can be checked before touching the network or the disk.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.origin()?;
        self.mail_from
            .parse::<lettre::message::Mailbox>()
            .map_err(|e| ConfigError(format!("MAIL_FROM is not a valid address ({e}): {}", self.mail_from)))?;
        if let Some(smtp) = &self.smtp_url {
            stegvis_platform::mail::Transport::smtp(smtp).map_err(|e| ConfigError(format!("SMTP_URL is not usable: {e}")))?;
        }
        if self.max_body_bytes < 1024 {
            return Err(ConfigError("MAX_BODY_BYTES must be at least 1024".into()));
        }
        Ok(())
    }
}
