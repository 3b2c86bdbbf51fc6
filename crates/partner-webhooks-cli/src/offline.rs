//! Commands that need no API: `sign` and `verify` a body read from a file or
//! stdin; the shell completions and the man page.

use std::io::Read;
use std::path::Path;

use partner_webhooks::{Error, WebhookVerifier};
use serde_json::json;

use crate::args::{SignArgs, VerifyArgs};
use crate::output;

/// The body of FILE, or of stdin when FILE is absent or `-`, byte for byte.
fn read_body(file: Option<&Path>) -> Result<Vec<u8>, Error> {
    let mut body = Vec::new();
    match file {
        Some(p) if p != Path::new("-") => {
            body = std::fs::read(p).map_err(|e| {
                Error::invalid_input("FILE", format!("cannot read {} ({e})", p.display()))
            })?;
        }
        _ => {
            std::io::stdin()
                .read_to_end(&mut body)
                .map_err(|e| Error::invalid_input("stdin", format!("cannot read it ({e})")))?;
        }
    }
    Ok(body)
}

/// `sign`: the lower-case hex HMAC-SHA256 of the body.
pub fn sign(args: &SignArgs, json_mode: bool) -> Result<(), Error> {
    if args.secret.is_empty() {
        return Err(Error::invalid_input("secret", "must not be empty"));
    }
    let body = read_body(args.file.as_deref())?;
    let signature = partner_webhooks::sign(&body, &args.secret);
    if json_mode {
        outln!("{}", json!({ "signature": signature, "bytes": body.len() }));
    } else {
        outln!("{signature}");
    }
    Ok(())
}

/// `verify`: the checks a receiver makes, then the event; a refusal is exit 2.
pub fn verify(args: &VerifyArgs, json_mode: bool) -> Result<(), Error> {
    let mut builder = WebhookVerifier::builder().secrets(args.secrets.iter().cloned());
    for (i, arg) in args.require_headers.iter().enumerate() {
        let (name, value) = crate::commands::header_arg("--require-header", i + 1, arg)?;
        builder = builder.require_header(name, value);
    }
    let verifier = builder.build()?;
    let mut headers = vec![(
        partner_webhooks::signature::SIGNATURE_HEADER.to_string(),
        args.signature.clone(),
    )];
    for (i, arg) in args.headers.iter().enumerate() {
        headers.push(crate::commands::header_arg("--header", i + 1, arg)?);
    }
    let body = read_body(args.file.as_deref())?;
    let event = verifier
        .verify(headers.iter().map(|(n, v)| (n.as_str(), v.as_str())), &body)
        .map_err(|e| {
            Error::invalid_input(
                "delivery",
                format!(
                    "refused ({}, answer {}): {}",
                    e.kind().as_str(),
                    e.http_status(),
                    e.message()
                ),
            )
        })?;
    if json_mode {
        outln!("{}", output::event_json(&event));
    } else {
        outln!("verified: {}", output::event_line(&event));
    }
    Ok(())
}

/// `completions SHELL`: the script clap_complete generates for this command line.
pub fn completions(shell: clap_complete::Shell) -> Result<(), Error> {
    let mut cmd = <crate::args::Cli as clap::CommandFactory>::command();
    clap_complete::generate(shell, &mut cmd, "partner-webhooks", &mut std::io::stdout());
    Ok(())
}

/// `man`: the man page clap_mangen renders from the same definitions.
pub fn man() -> Result<(), Error> {
    let cmd = <crate::args::Cli as clap::CommandFactory>::command();
    clap_mangen::Man::new(cmd)
        .render(&mut std::io::stdout())
        .map_err(|e| Error::invalid_input("stdout", format!("cannot write the man page ({e})")))
}
