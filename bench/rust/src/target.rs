//! The sandbox a client benchmark talks to (`bench/run.py` passes its address
//! and credentials).

/// `--base-url`, `--api-key`, `--partner-id`.
#[derive(clap::Args)]
pub struct Target {
    #[arg(long)]
    pub base_url: String,
    #[arg(long)]
    pub api_key: String,
    #[arg(long)]
    pub partner_id: String,
}
