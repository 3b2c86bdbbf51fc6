//! Command-line arguments (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Configure 360dialog partner webhooks, and run a local sandbox of the Partner API.
///
/// Credentials and endpoint fall back to PARTNER_API_KEY, PARTNER_API_BASE_URL,
/// PARTNER_API_TIMEOUT, PARTNER_API_MAX_RETRIES and PARTNER_ID. Prefer the
/// environment over --api-key: command lines are visible to other users.
///
/// Exit codes: 0 success; 2 usage or invalid input (nothing sent or written;
/// also a delivery that does not verify, and headers changed by someone else
/// during `headers add`/`remove`); 3 the API refused the request (4xx); 4
/// server error, timeout or connection failure after retries.
#[derive(Debug, Parser)]
#[command(name = "partner-webhooks", version, propagate_version = true)]
pub struct Cli {
    /// API base URL [env: PARTNER_API_BASE_URL] [default: https://hub.360dialog.io]
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,

    /// Partner API key sent as X-API-Key [env: PARTNER_API_KEY]
    #[arg(long, global = true, value_name = "KEY", hide_env_values = true)]
    pub api_key: Option<String>,

    /// Partner id (ends in PA)
    #[arg(long, global = true, value_name = "ID", env = "PARTNER_ID")]
    pub partner_id: Option<String>,

    /// Print results as the API's JSON (and errors as one JSON line on stderr)
    #[arg(long, global = true)]
    pub json: bool,

    /// Budget for the whole call in seconds, retries included [env: PARTNER_API_TIMEOUT] [default: 30]
    #[arg(long, global = true, value_name = "SECS")]
    pub timeout: Option<f64>,

    /// Limit for one attempt in seconds (a hung attempt is retried within --timeout) [default: none]
    #[arg(long, global = true, value_name = "SECS")]
    pub attempt_timeout: Option<f64>,

    /// Limit for connecting in seconds [default: 10]
    #[arg(long, global = true, value_name = "SECS")]
    pub connect_timeout: Option<f64>,

    /// Retries after the first attempt [env: PARTNER_API_MAX_RETRIES] [default: 2]
    #[arg(long, global = true, value_name = "N")]
    pub max_retries: Option<u32>,

    /// PEM file of extra CA certificates to trust, besides the bundled roots and the OS store [env: PARTNER_API_CA_BUNDLE]
    #[arg(long, global = true, value_name = "FILE")]
    pub ca_bundle: Option<String>,

    /// Proxy for every request, http://[user:pass@]host:port [default: HTTPS_PROXY / ALL_PROXY; NO_PROXY honoured]
    #[arg(long, global = true, value_name = "URL", hide_env_values = true)]
    pub proxy: Option<String>,

    /// Log more to stderr (-v: debug, -vv: trace); RUST_LOG also works
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Get or set the partner webhook URL
    #[command(subcommand)]
    Url(UrlCommand),
    /// Get or set the custom headers sent with every webhook
    #[command(subcommand)]
    Headers(HeadersCommand),
    /// Run the local sandbox of the Partner API until SIGINT/SIGTERM
    Sandbox(SandboxArgs),
    /// Receive partner webhooks: verify each POST, print its event, and forward it to your app (--forward-to)
    Listen(ListenArgs),
    /// Walk through the whole loop against an embedded sandbox (no network, no credentials)
    Demo,
    /// Your whole local loop: a sandbox, a verifying listener set as its webhook URL, forwarding to your app
    Dev(DevArgs),
    /// Make a running sandbox (--base-url) send a signed event to the configured webhook URL
    Trigger(TriggerArgs),
    /// List a running sandbox's deliveries (status, attempts, latency); --follow keeps watching
    Deliveries(DeliveriesArgs),
    /// Events of a running sandbox
    #[command(subcommand)]
    Events(EventsCommand),
    /// Print the x-360dialog-signature of a body (FILE, or stdin when absent or -)
    Sign(SignArgs),
    /// Check a delivery captured elsewhere: its body (FILE or stdin), signature and headers; print its event
    Verify(VerifyArgs),
    /// Print a shell completion script: partner-webhooks completions bash > /etc/bash_completion.d/partner-webhooks
    Completions {
        /// bash, zsh, fish, elvish or powershell
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): partner-webhooks man > partner-webhooks.1
    #[command(hide = true)]
    Man,
}

/// `dev ...`
#[derive(Debug, Args)]
pub struct DevArgs {
    /// Your app's webhook endpoint, e.g. http://127.0.0.1:3000/webhook
    #[arg(long, value_name = "URL")]
    pub forward_to: String,
    /// Port of the sandbox on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Only forward these event types (comma-separated)
    #[arg(long, value_name = "TYPE,...", value_delimiter = ',')]
    pub events: Vec<String>,
}

/// `trigger ...`
#[derive(Debug, Args)]
pub struct TriggerArgs {
    /// A known event type (channel_live, waba_template_status_changed, ...; see --help of the list below)
    pub event: String,
    /// The event's `data`: a JSON object, or @FILE holding one [default: a realistic sample]
    #[arg(long, value_name = "JSON|@FILE")]
    pub data: Option<String>,
    /// Send an event type this SDK does not know (to test a receiver's unknown-event path)
    #[arg(long)]
    pub unknown: bool,
}

/// `events ...`
#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// Send a delivery's exact body again (a new delivery; the event keeps its id)
    Resend {
        /// The delivery id (from `trigger` or `deliveries`)
        delivery_id: String,
    },
}

/// `deliveries ...`
#[derive(Debug, Args)]
pub struct DeliveriesArgs {
    /// Keep watching: print each new delivery and each change until Ctrl-C
    #[arg(long)]
    pub follow: bool,
}

/// `sign ...`
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The platform secret [env: PARTNER_WEBHOOK_SECRET]
    #[arg(
        long,
        value_name = "SECRET",
        env = "PARTNER_WEBHOOK_SECRET",
        hide_env_values = true
    )]
    pub secret: String,
    /// The body, byte for byte (- or absent: stdin)
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// `verify ...`
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Platform secret (repeat while rotating) [env: PARTNER_WEBHOOK_SECRETS]
    #[arg(
        long = "secret",
        value_name = "SECRET",
        env = "PARTNER_WEBHOOK_SECRETS",
        value_delimiter = ',',
        hide_env_values = true,
        required = true
    )]
    pub secrets: Vec<String>,
    /// The x-360dialog-signature value the delivery carried
    #[arg(long, value_name = "SIG")]
    pub signature: String,
    /// A custom header the delivery carried, as 'Name: value', to check against --require-header
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// A custom header every delivery must carry, as 'Name: value' (repeatable)
    #[arg(long = "require-header", value_name = "NAME: VALUE")]
    pub require_headers: Vec<String>,
    /// The body, byte for byte (- or absent: stdin)
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// `url ...`
#[derive(Debug, Subcommand)]
pub enum UrlCommand {
    /// Print the current webhook URL
    Get,
    /// Set the webhook URL (https, or http on loopback)
    Set {
        /// The new webhook URL
        url: String,
    },
}

/// `headers ...`
#[derive(Debug, Subcommand)]
pub enum HeadersCommand {
    /// Print the custom webhook headers (values masked unless --reveal or --json)
    Get {
        /// Show header values in full
        #[arg(long)]
        reveal: bool,
    },
    /// Replace the custom webhook headers (none given: clear them)
    Set {
        /// A header as 'Name: value' (repeatable)
        #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
        headers: Vec<String>,
        /// Read the headers from a JSON file: {"Name": "value", ...}
        #[arg(long, value_name = "FILE", conflicts_with = "headers")]
        from_json: Option<PathBuf>,
    },
    /// Add headers (or change their values), keeping the others
    Add {
        /// A header as 'Name: value' (one or more)
        #[arg(value_name = "NAME: VALUE", required = true)]
        headers: Vec<String>,
    },
    /// Remove headers by name (any case), keeping the others
    Remove {
        /// Header names (one or more)
        #[arg(value_name = "NAME", required = true)]
        names: Vec<String>,
    },
}

/// `sandbox ...` (also uses the global --partner-id and --api-key).
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Port (0 picks a free one)
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Address to listen on; anything but loopback needs --allow-remote
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub host: std::net::IpAddr,
    /// Allow --host to be a non-loopback address (a shared service for a team's tests)
    #[arg(long)]
    pub allow_remote: bool,
    /// Keep credentials and webhook settings in FILE across restarts (written atomically, mode 0600)
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Platform secret that signs delivered events (default: random)
    #[arg(long, value_name = "SECRET", hide_env_values = true)]
    pub platform_secret: Option<String>,
}

/// `listen ...`
#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on; anything but loopback needs --allow-remote
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub host: std::net::IpAddr,
    /// Allow --host to be a non-loopback address (the receiver is then reachable from the network)
    #[arg(long)]
    pub allow_remote: bool,
    /// POST each verified delivery (raw body and headers) on to this URL, e.g. http://127.0.0.1:3000/webhook
    #[arg(long, value_name = "URL")]
    pub forward_to: Option<String>,
    /// Only these event types (canonical or as sent, comma-separated); others are answered 200 and skipped
    #[arg(long, value_name = "TYPE,...", value_delimiter = ',')]
    pub events: Vec<String>,
    /// Platform secret to verify x-360dialog-signature with (repeat while rotating)
    #[arg(
        long = "secret",
        value_name = "SECRET",
        env = "PARTNER_WEBHOOK_SECRETS",
        value_delimiter = ',',
        hide_env_values = true
    )]
    pub secrets: Vec<String>,
    /// A custom header every request must carry, as 'Name: value' (repeatable)
    #[arg(long = "require-header", value_name = "NAME: VALUE")]
    pub require_headers: Vec<String>,
    /// Largest body accepted, in bytes [default: 1048576]
    #[arg(long, value_name = "BYTES")]
    pub max_body: Option<usize>,
    /// Accept requests without a signature (a signature that is present is still checked)
    #[arg(long)]
    pub allow_unsigned: bool,
}
