#![doc = include_str!("../README.md")]

#[macro_use]
mod output;
mod args;
mod commands;
mod demo;
mod dev;
mod forward;
mod listen;
mod offline;
mod sandbox_client;
mod sse;
mod state_file;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let default_level = match cli.verbose {
        0 => "warn",
        1 => "partner_webhooks=debug,partner_webhooks_sandbox=debug,warn",
        _ => "partner_webhooks=trace,partner_webhooks_sandbox=trace,info",
    };
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            errln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(4);
        }
    };
    let json_mode = cli.json;
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            output::print_error(&e, json_mode);
            ExitCode::from(output::exit_code(&e))
        }
    }
}
