//! What each command does.

use partner_webhooks::config::seconds;
use partner_webhooks::models::WebhookHeaders;
use partner_webhooks::{ClientConfig, ClientConfigBuilder, ClientSettings, Error, PartnerClient};
use partner_webhooks_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};

use crate::args::{Cli, Command, HeadersCommand, ListenArgs, SandboxArgs, UrlCommand};
use crate::output;

/// Runs the parsed command; the error decides the exit code.
pub async fn run(cli: Cli) -> Result<(), Error> {
    match &cli.command {
        Command::Sandbox(args) => sandbox(&cli, args).await,
        Command::Listen(args) => listen(&cli, args).await,
        Command::Demo => crate::demo::run(cli.json).await,
        Command::Dev(args) => crate::dev::run(&cli, args).await,
        Command::Trigger(args) => crate::sandbox_client::trigger(&cli, args).await,
        Command::Deliveries(args) => crate::sandbox_client::deliveries(&cli, args).await,
        Command::Events(cmd) => crate::sandbox_client::events(&cli, cmd).await,
        Command::Completions { shell } => crate::offline::completions(*shell),
        Command::Man => crate::offline::man(),
        Command::Sign(args) => crate::offline::sign(args, cli.json),
        Command::Verify(args) => crate::offline::verify(args, cli.json),
        Command::Url(cmd) => {
            let (client, partner_id) = client(&cli)?;
            match cmd {
                UrlCommand::Get => {
                    let r = client.get_webhook_url(&partner_id).await?;
                    if cli.json {
                        print_raw(r.raw_body());
                    } else {
                        outln!(
                            "webhook_url: {}",
                            r.webhook_url.as_deref().unwrap_or("(not set)")
                        );
                    }
                }
                UrlCommand::Set { url } => {
                    let r = client.set_webhook_url(&partner_id, url).await?;
                    if cli.json {
                        print_raw(r.raw_body());
                    } else {
                        outln!(
                            "webhook_url set to {} for partner {partner_id}",
                            r.webhook_url.as_deref().unwrap_or(url)
                        );
                    }
                }
            }
            Ok(())
        }
        Command::Headers(cmd) => {
            let (client, partner_id) = client(&cli)?;
            match cmd {
                HeadersCommand::Get { reveal } => {
                    let r = client.get_webhook_headers(&partner_id).await?;
                    if cli.json {
                        print_raw(r.raw_body());
                    } else {
                        for line in output::header_lines(r.webhook_headers.as_ref(), *reveal) {
                            outln!("{line}");
                        }
                    }
                }
                HeadersCommand::Add { headers } => {
                    let added = headers
                        .iter()
                        .enumerate()
                        .map(|(i, arg)| header_arg("NAME: VALUE", i + 1, arg))
                        .collect::<Result<Vec<_>, _>>()?;
                    edit_headers(&cli, &client, &partner_id, |map| {
                        for (name, value) in &added {
                            map.retain(|k, _| !k.eq_ignore_ascii_case(name));
                            map.insert(name.clone(), Value::String(value.clone()));
                        }
                        Ok(())
                    })
                    .await?;
                }
                HeadersCommand::Remove { names } => {
                    edit_headers(&cli, &client, &partner_id, |map| {
                        for name in names {
                            let before = map.len();
                            map.retain(|k, _| !k.eq_ignore_ascii_case(name));
                            if map.len() == before {
                                return Err(Error::invalid_input(
                                    "NAME",
                                    format!("no webhook header named {name}; nothing was written"),
                                ));
                            }
                        }
                        Ok(())
                    })
                    .await?;
                }
                HeadersCommand::Set { headers, from_json } => {
                    let map = match from_json {
                        Some(path) => headers_from_file(path)?,
                        None => headers_from_args(headers)?,
                    };
                    let r = client.set_webhook_headers(&partner_id, map).await?;
                    if cli.json {
                        print_raw(r.raw_body());
                    } else {
                        let names: Vec<&str> =
                            r.webhook_headers.iter().flat_map(|h| h.names()).collect();
                        outln!(
                            "{} webhook header(s) set for partner {partner_id}{}{}",
                            names.len(),
                            if names.is_empty() { "" } else { ": " },
                            names.join(", ")
                        );
                    }
                }
            }
            Ok(())
        }
    }
}

/// Read, change, write: `headers add` / `remove`. The headers are read again
/// just before writing; if they changed in between (someone else wrote them),
/// nothing is written. The API has no conditional write, so a change in the
/// last round trip before the write cannot be seen.
async fn edit_headers(
    cli: &Cli,
    client: &PartnerClient,
    partner_id: &str,
    change: impl FnOnce(&mut serde_json::Map<String, Value>) -> Result<(), Error>,
) -> Result<(), Error> {
    let current =
        |r: partner_webhooks::Response<partner_webhooks::models::PartnerGetWebhookHeadersOut>| {
            r.into_inner()
                .webhook_headers
                .map(|h| h.0)
                .unwrap_or_default()
        };
    let before = current(client.get_webhook_headers(partner_id).await?);
    let mut map: serde_json::Map<String, Value> = before.clone().into_iter().collect();
    change(&mut map)?;
    let again = current(client.get_webhook_headers(partner_id).await?);
    if again != before {
        return Err(Error::invalid_input(
            "headers",
            "the webhook headers changed while this command ran (someone else wrote them); nothing was written: run it again",
        ));
    }
    let r = client
        .set_webhook_headers(partner_id, WebhookHeaders(map.into_iter().collect()))
        .await?;
    if cli.json {
        print_raw(r.raw_body());
    } else {
        let names: Vec<&str> = r.webhook_headers.iter().flat_map(|h| h.names()).collect();
        outln!(
            "{} webhook header(s) now set for partner {partner_id}{}{}",
            names.len(),
            if names.is_empty() { "" } else { ": " },
            names.join(", ")
        );
    }
    Ok(())
}

fn print_raw(body: &[u8]) {
    outln!("{}", String::from_utf8_lossy(body).trim_end());
}

fn client(cli: &Cli) -> Result<(PartnerClient, String), Error> {
    let partner_id = cli.partner_id.clone().ok_or_else(|| {
        Error::invalid_input(
            "partner_id",
            "required: pass --partner-id or set PARTNER_ID",
        )
    })?;
    let secs = |field: &str, v: Option<f64>| v.map(|s| seconds(field, s)).transpose();
    let settings = ClientSettings {
        api_key: cli.api_key.clone(),
        base_url: cli.base_url.clone(),
        timeout: secs("timeout", cli.timeout)?,
        attempt_timeout: secs("attempt_timeout", cli.attempt_timeout)?,
        connect_timeout: secs("connect_timeout", cli.connect_timeout)?,
        max_retries: cli.max_retries,
        ca_bundle: cli.ca_bundle.clone(),
        proxy: cli.proxy.clone(),
        ..ClientSettings::default()
    };
    let builder = ClientConfigBuilder::from_env()
        .settings(settings)
        .user_agent_suffix("cli");
    Ok((PartnerClient::new(builder.build()?)?, partner_id))
}

/// Splits `Name: value` (the `n`th use of `flag`, counted from 1).
pub(crate) fn header_arg(flag: &str, n: usize, arg: &str) -> Result<(String, String), Error> {
    let Some((name, value)) = arg.split_once(':') else {
        return Err(Error::invalid_input(
            format!("{flag} #{n}"),
            "must look like 'Name: value'",
        ));
    };
    Ok((name.trim().to_string(), value.trim_start().to_string()))
}

/// Parses `--header 'Name: value'` arguments.
fn headers_from_args(args: &[String]) -> Result<WebhookHeaders, Error> {
    let pairs = args
        .iter()
        .enumerate()
        .map(|(i, arg)| header_arg("--header", i + 1, arg))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(WebhookHeaders::from_pairs(pairs))
}

/// Reads `{"Name": "value"}` (or `{"webhook_headers": {...}}`) from a file.
fn headers_from_file(path: &std::path::Path) -> Result<WebhookHeaders, Error> {
    let field = "--from-json";
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::invalid_input(field, format!("cannot read {} ({e})", path.display()))
    })?;
    let value: Value = serde_json::from_str(&text).map_err(|e| {
        Error::invalid_input(field, format!("{} is not valid JSON ({e})", path.display()))
    })?;
    let map = match value {
        Value::Object(mut o)
            if o.len() == 1 && o.get("webhook_headers").is_some_and(Value::is_object) =>
        {
            o.remove("webhook_headers").unwrap_or_default()
        }
        v @ Value::Object(_) => v,
        _ => {
            return Err(Error::invalid_input(
                field,
                "must hold a JSON object of header names to values",
            ));
        }
    };
    serde_json::from_value(map)
        .map_err(|e| Error::invalid_input(field, format!("unexpected shape ({e})")))
}

/// A non-loopback `--host` only with `--allow-remote`.
fn check_host(host: std::net::IpAddr, allow_remote: bool) -> Result<(), Error> {
    if host.is_loopback() || allow_remote {
        return Ok(());
    }
    Err(Error::invalid_input(
        "--host",
        format!("{host} is reachable from the network: pass --allow-remote to listen there"),
    ))
}

/// A client for `sandbox`'s own API key (the demo and `dev` configure it as a partner would).
pub(crate) fn sandbox_client(sandbox: &Sandbox) -> Result<PartnerClient, Error> {
    PartnerClient::new(
        ClientConfig::builder()
            .base_url(sandbox.base_url())
            .api_key(sandbox.api_key())
            .build()?,
    )
}

async fn sandbox(cli: &Cli, args: &SandboxArgs) -> Result<(), Error> {
    check_host(args.host, args.allow_remote)?;
    let mut config = SandboxConfig {
        host: args.host,
        port: args.port,
        ..SandboxConfig::default()
    };
    let (mut store, restore) = match &args.state {
        Some(path) => {
            let (store, restore) = crate::state_file::Store::open(path, &mut config)?;
            (Some(store), restore)
        }
        None => (None, crate::state_file::Restore::default()),
    };
    if let Some(id) = &cli.partner_id {
        partner_webhooks::validate::partner_id_segment(id)?;
        config.partner_id = id.clone();
    }
    if let Some(key) = &cli.api_key {
        if key.trim().is_empty() {
            return Err(Error::invalid_input("api_key", "must not be empty"));
        }
        config.api_key = key.clone();
    }
    if let Some(secret) = &args.platform_secret {
        if secret.is_empty() {
            return Err(Error::invalid_input("platform_secret", "must not be empty"));
        }
        config.platform_secret = secret.clone();
    }
    let sandbox = Sandbox::start(config).await.map_err(|e| {
        Error::invalid_input(
            "port",
            format!("cannot listen on {}:{} ({e})", args.host, args.port),
        )
    })?;
    sandbox.restore_partner_settings(restore.partners);
    sandbox.import(restore.deliveries);
    if let Some(store) = store.as_mut() {
        store.save(&sandbox)?;
    }
    let info = json!({
        "base_url": sandbox.base_url(),
        "partner_id": sandbox.partner_id(),
        "api_key": sandbox.api_key(),
        "platform_secret": sandbox.platform_secret(),
        "username": sandbox.username(),
        "password": sandbox.password(),
        "health": format!("{}/_sandbox/health", sandbox.base_url()),
        "page_url": sandbox.page_url(),
    });
    if cli.json {
        outln!("{info}");
    } else {
        outln!("sandbox listening on {}", sandbox.base_url());
        outln!(
            "  page:            {}  (deliveries live, trigger, resend, faults)",
            sandbox.page_url()
        );
        outln!("  partner id:      {}", sandbox.partner_id());
        outln!("  api key:         {}", sandbox.api_key());
        outln!("  platform secret: {}", sandbox.platform_secret());
        outln!(
            "  user / password: {} / {}",
            sandbox.username(),
            sandbox.password()
        );
        outln!(
            "  faults:          POST {}/_sandbox/faults  (Ctrl-C to stop)",
            sandbox.base_url()
        );
        outln!(
            "  health:          GET {}/_sandbox/health",
            sandbox.base_url()
        );
        if let Some(path) = &args.state {
            outln!("  state:           {}", path.display());
        }
    }
    if !args.host.is_loopback() {
        errln!(
            "warning: the sandbox listens on {}, reachable from the network (its API key is printed above)",
            args.host
        );
    }
    // Save what changed every second, and once more at the end.
    let stop = shutdown_signal();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {
                if let Some(store) = store.as_mut() {
                    if let Err(e) = store.save(&sandbox) {
                        errln!("error: {e}");
                    }
                }
            }
        }
    }
    if let Some(store) = store.as_mut() {
        store.save(&sandbox)?;
    }
    sandbox.shutdown().await;
    if !cli.json {
        outln!(
            "sandbox stopped{}",
            if args.state.is_some() {
                ", state saved"
            } else {
                ""
            }
        );
    }
    Ok(())
}

async fn listen(cli: &Cli, args: &ListenArgs) -> Result<(), Error> {
    let mut builder =
        partner_webhooks::WebhookVerifier::builder().secrets(args.secrets.iter().cloned());
    for (i, arg) in args.require_headers.iter().enumerate() {
        let (name, value) = header_arg("--require-header", i + 1, arg)?;
        builder = builder.require_header(name, value);
    }
    if let Some(max) = args.max_body {
        builder = builder.max_body(max);
    }
    if args.allow_unsigned {
        builder = builder.require_signature(false);
    }
    let verifier = std::sync::Arc::new(builder.build()?);
    check_host(args.host, args.allow_remote)?;
    let forwarder = args
        .forward_to
        .as_deref()
        .map(crate::forward::Forwarder::new)
        .transpose()?;
    let on_outcome = crate::forward::printer(forwarder, args.events.clone(), cli.json);
    let listener =
        crate::listen::Listener::start(args.host, args.port, verifier.clone(), on_outcome)
            .await
            .map_err(|e| {
                Error::invalid_input(
                    "port",
                    format!("cannot listen on {}:{} ({e})", args.host, args.port),
                )
            })?;
    if !args.host.is_loopback() {
        errln!(
            "warning: listening on {}, reachable from the network; only verified deliveries are accepted",
            args.host
        );
    }
    errln!(
        "listening on {} (signature {}, {} required header(s), bodies up to {} bytes{}); Ctrl-C to stop",
        listener.url(),
        if verifier.requires_signature() {
            "required"
        } else {
            "optional"
        },
        args.require_headers.len(),
        verifier.max_body(),
        match &args.forward_to {
            Some(url) => format!(", forwarding to {url}"),
            None => String::new(),
        }
    );
    shutdown_signal().await;
    listener.shutdown().await;
    errln!("listener stopped");
    Ok(())
}

/// Completes on SIGINT or SIGTERM.
pub(crate) async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
