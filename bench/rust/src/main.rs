//! Benchmark driver of `make bench` (run by `bench/run.py`, which starts the
//! sandbox): prints one JSON sample per line, one per run, ours next to the
//! baseline measured in the same run.
//!
//! ```text
//! partner-webhooks-bench client --base-url http://127.0.0.1:PORT --api-key K --partner-id P
//! partner-webhooks-bench verify --event bench/fixtures/event-1k.json --secret S
//! partner-webhooks-bench count client|verify --side S --n N ...   (bench/instructions.py)
//! partner-webhooks-bench soak --base-url URL --api-key K --partner-id P [--calls 10000 --concurrency 500]
//! ```

mod client;
mod count;
mod cpu;
mod sample;
mod soak;
mod target;
mod verify;

use clap::{Parser, Subcommand};

/// Benchmarks of the Rust core (samples as JSON lines on stdout).
#[derive(Parser)]
#[command(name = "partner-webhooks-bench")]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// `PartnerClient` vs raw reqwest, sequential, the 4 operations in turn.
    Client(client::ClientArgs),
    /// `WebhookVerifier::verify` vs HMAC + `serde_json::Value`, on this thread.
    Verify(verify::VerifyArgs),
    /// Exactly N operations of one side, printing nothing (for callgrind: `bench/instructions.py`).
    #[command(subcommand)]
    Count(count::Count),
    /// Load with injected faults (`make soak`); prints one JSON summary.
    Soak(soak::SoakArgs),
}

fn main() {
    let args = Args::parse();
    let result = match args.command {
        Command::Client(a) => client::run(a),
        Command::Verify(a) => verify::run(a),
        Command::Soak(a) => soak::run(a),
        Command::Count(c) => count::run(c),
    };
    if let Err(e) = result {
        eprintln!("partner-webhooks-bench: {e}");
        std::process::exit(1);
    }
}
