//! Commands that drive a running sandbox through its own routes
//! (`/_sandbox/...`): `trigger` an event, list or follow `deliveries`.

use std::collections::HashMap;
use std::time::Duration;

use partner_webhooks::events::KNOWN_EVENTS;
use partner_webhooks::{Error, ErrorKind};
use serde_json::{Value, json};

use crate::args::{Cli, DeliveriesArgs, EventsCommand, TriggerArgs};

/// The sandbox's base URL and the partner: both must be given (the real API has no such routes).
fn target(cli: &Cli) -> Result<(String, String), Error> {
    let base = cli
        .base_url
        .clone()
        .or_else(|| std::env::var("PARTNER_API_BASE_URL").ok())
        .ok_or_else(|| {
            Error::invalid_input(
                "base_url",
                "this command talks to a sandbox: pass --base-url (or PARTNER_API_BASE_URL) with its address",
            )
        })?;
    let partner = cli.partner_id.clone().ok_or_else(|| {
        Error::invalid_input(
            "partner_id",
            "required: pass --partner-id or set PARTNER_ID",
        )
    })?;
    partner_webhooks::validate::partner_id_segment(&partner)?;
    Ok((base.trim_end_matches('/').to_string(), partner))
}

fn http() -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| Error::other(ErrorKind::Connection, e.to_string()))
}

/// A sandbox answer: the JSON body, or the API-style error for a non-2xx status.
async fn answer(r: Result<reqwest::Response, reqwest::Error>, base: &str) -> Result<Value, Error> {
    let r = r.map_err(|e| {
        Error::other(
            ErrorKind::Connection,
            format!("no sandbox answered at {base} ({e})"),
        )
    })?;
    let status = r.status().as_u16();
    let body = r.bytes().await.unwrap_or_default();
    if !(200..300).contains(&status) {
        return Err(Error::from_response(status, &body, None));
    }
    serde_json::from_slice(&body).map_err(|e| Error::other(ErrorKind::Decode, e.to_string()))
}

/// `--data`: inline JSON or `@file`; it must be an object.
fn data_arg(arg: &str) -> Result<Value, Error> {
    let text = match arg.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| Error::invalid_input("--data", format!("cannot read {path} ({e})")))?,
        None => arg.to_string(),
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(_) => Err(Error::invalid_input("--data", "must be a JSON object")),
        Err(e) => Err(Error::invalid_input(
            "--data",
            format!("is not valid JSON ({e})"),
        )),
    }
}

/// `trigger EVENT [--data ...]`.
pub async fn trigger(cli: &Cli, args: &TriggerArgs) -> Result<(), Error> {
    if !args.unknown && !KNOWN_EVENTS.contains(&args.event.as_str()) {
        return Err(Error::invalid_input(
            "EVENT",
            format!(
                "{:?} is not a known event (pass --unknown to send it anyway); known: {}",
                args.event,
                KNOWN_EVENTS.join(", ")
            ),
        ));
    }
    let data = args.data.as_deref().map(data_arg).transpose()?;
    let (base, partner) = target(cli)?;
    let url = format!("{base}/_sandbox/partners/{partner}/events");
    let body = json!({ "event": args.event, "data": data });
    let request = http()?
        .post(&url)
        .header("content-type", "application/json")
        .body(body.to_string());
    let v = answer(request.send().await, &base).await?;
    queued(cli, "triggered", &args.event, &v);
    Ok(())
}

/// `events resend DELIVERY_ID`.
pub async fn events(cli: &Cli, cmd: &EventsCommand) -> Result<(), Error> {
    let EventsCommand::Resend { delivery_id } = cmd;
    if delivery_id.is_empty() || delivery_id.contains(['/', '?', '#']) {
        return Err(Error::invalid_input(
            "DELIVERY_ID",
            "must be a delivery id as `deliveries` lists it",
        ));
    }
    let (base, partner) = target(cli)?;
    let url = format!("{base}/_sandbox/partners/{partner}/deliveries/{delivery_id}/resend");
    let v = answer(http()?.post(&url).send().await, &base).await?;
    queued(cli, "resent", delivery_id, &v);
    Ok(())
}

/// One line (or the JSON) for a queued delivery.
fn queued(cli: &Cli, verb: &str, what: &str, v: &Value) {
    if cli.json {
        outln!("{v}");
    } else {
        outln!(
            "{verb} {what}: delivery {} to {} ({})",
            v["delivery_id"].as_str().unwrap_or("?"),
            v["url"].as_str().unwrap_or("?"),
            v["status"].as_str().unwrap_or("?")
        );
    }
}

/// One delivery as a line: id, event, status, attempts, the last answer and its latency.
fn line(d: &Value) -> String {
    let attempts = d["attempts"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let last = attempts.last();
    let answer = match last {
        Some(a) if a["status"].is_u64() => format!("HTTP {}", a["status"]),
        Some(a) => a["error"].as_str().unwrap_or("no answer").to_string(),
        None => "not sent yet".to_string(),
    };
    format!(
        "{}  {:<28} {:<9} attempts={} last={} {}ms",
        d["id"].as_str().unwrap_or("?"),
        d["event"].as_str().unwrap_or("?"),
        d["status"].as_str().unwrap_or("?"),
        attempts.len(),
        answer,
        last.and_then(|a| a["duration_ms"].as_u64()).unwrap_or(0)
    )
}

/// `deliveries [--follow]`: the partner's deliveries; with `--follow`, then
/// every change as it happens, from the sandbox's live stream (the one its
/// page reads), resuming after the last change seen when the connection drops.
pub async fn deliveries(cli: &Cli, args: &DeliveriesArgs) -> Result<(), Error> {
    let (base, partner) = target(cli)?;
    let client = http()?;
    let mut shown: HashMap<String, String> = HashMap::new();
    if !args.follow {
        let url = format!("{base}/_sandbox/partners/{partner}/deliveries");
        let v = answer(client.get(&url).send().await, &base).await?;
        show_all(&v, &partner, cli.json, &mut shown);
        return Ok(());
    }
    let stream_client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        // The stream sends a keep-alive every 15 s: silence past this means the sandbox is gone.
        .read_timeout(Duration::from_secs(40))
        .build()
        .map_err(|e| Error::other(ErrorKind::Connection, e.to_string()))?;
    let stop = crate::commands::shutdown_signal();
    tokio::pin!(stop);
    let mut last = listed(&client, &base, &partner, cli.json, &mut shown).await?;
    loop {
        let read = follow(
            &stream_client,
            &client,
            &base,
            &partner,
            cli.json,
            &mut shown,
            &mut last,
        );
        tokio::select! {
            _ = &mut stop => return Ok(()),
            ended = read => if let Err(e) = ended {
                errln!("deliveries: {e}; reconnecting");
            },
        }
        tokio::select! {
            _ = &mut stop => return Ok(()),
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}

/// Prints each of `v`'s deliveries for `partner` whose line changed.
fn show_all(v: &Value, partner: &str, json: bool, shown: &mut HashMap<String, String>) {
    for d in v["deliveries"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        show(d, partner, json, shown);
    }
}

fn show(d: &Value, partner: &str, json: bool, shown: &mut HashMap<String, String>) {
    if d["partner_id"].as_str().is_some_and(|p| p != partner) {
        return;
    }
    let id = d["id"].as_str().unwrap_or_default().to_string();
    let text = if json { d.to_string() } else { line(d) };
    if shown.get(&id) != Some(&text) {
        outln!("{text}");
        shown.insert(id, text);
    }
}

/// Every delivery so far; returns the number of the last change.
async fn listed(
    client: &reqwest::Client,
    base: &str,
    partner: &str,
    json: bool,
    shown: &mut HashMap<String, String>,
) -> Result<u64, Error> {
    let v = answer(
        client
            .get(format!("{base}/_sandbox/deliveries"))
            .send()
            .await,
        base,
    )
    .await?;
    show_all(&v, partner, json, shown);
    Ok(v["last_seq"].as_u64().unwrap_or(0))
}

/// Reads the live stream from after `last` until it ends.
async fn follow(
    stream_client: &reqwest::Client,
    client: &reqwest::Client,
    base: &str,
    partner: &str,
    json: bool,
    shown: &mut HashMap<String, String>,
    last: &mut u64,
) -> Result<(), Error> {
    let lost = |e: reqwest::Error| {
        Error::other(
            ErrorKind::Connection,
            format!("the sandbox at {base} stopped answering ({e})"),
        )
    };
    let mut r = stream_client
        .get(format!("{base}/_sandbox/stream"))
        .header("last-event-id", last.to_string())
        .send()
        .await
        .map_err(lost)?;
    if !r.status().is_success() {
        let status = r.status().as_u16();
        let body = r.bytes().await.unwrap_or_default();
        return Err(Error::from_response(status, &body, None));
    }
    let mut buf = String::new();
    while let Some(chunk) = r.chunk().await.map_err(lost)? {
        buf.push_str(&String::from_utf8_lossy(&chunk));
        for e in crate::sse::take_events(&mut buf) {
            match e.event.as_str() {
                "delivery" => {
                    if let Ok(d) = serde_json::from_str::<Value>(&e.data) {
                        show(&d, partner, json, shown);
                    }
                }
                // Changes were dropped before we came back: list again.
                "reset" => {
                    listed(client, base, partner, json, shown).await?;
                }
                _ => {}
            }
            if let Some(n) = e.id.and_then(|id| id.parse().ok()) {
                *last = n;
            }
        }
    }
    Ok(())
}
