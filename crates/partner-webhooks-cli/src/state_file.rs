//! `sandbox --state FILE`: the sandbox's credentials and every partner's
//! webhook settings kept across restarts. Read once at start (a file that is
//! not ours, or is damaged, is an error: it is never silently reset), written
//! atomically (a temporary file in the same folder, then renamed; mode 0600,
//! since it holds the API key and the platform secret) when something changed
//! and at shutdown. The delivery log is kept too (as `GET /_sandbox/export`
//! writes it: no custom header values); a delivery that was still pending
//! when the sandbox stopped comes back as failed, since its attempts stopped.

use std::path::{Path, PathBuf};

use partner_webhooks::Error;
use partner_webhooks_sandbox::fixtures::Recorded;
use partner_webhooks_sandbox::{DeliveryStatus, PartnerSettings, Sandbox, SandboxConfig};
use serde::{Deserialize, Serialize};

/// What marks a file as ours.
const FORMAT: &str = "partner-webhooks-sandbox-state";
const VERSION: u32 = 1;

/// The file's contents.
#[derive(Debug, Serialize, Deserialize)]
struct StateFile {
    format: String,
    version: u32,
    partner_id: String,
    api_key: String,
    username: String,
    password: String,
    platform_secret: String,
    partners: Vec<PartnerSettings>,
    /// The delivery log (absent in files written before it was kept).
    #[serde(default)]
    deliveries: Vec<Recorded>,
}

/// What a state file gives back once the sandbox runs.
#[derive(Default)]
pub struct Restore {
    pub partners: Vec<PartnerSettings>,
    pub deliveries: Vec<Recorded>,
}

/// A state file in use.
pub struct Store {
    path: PathBuf,
    saved: Option<String>,
}

fn refuse(path: &Path, why: impl std::fmt::Display) -> Error {
    Error::invalid_input(
        "--state",
        format!("{}: {why}; nothing was changed", path.display()),
    )
}

impl Store {
    /// Opens `path`: fills `config` from it when it exists; returns the
    /// settings and deliveries to restore once the sandbox runs.
    pub fn open(path: &Path, config: &mut SandboxConfig) -> Result<(Store, Restore), Error> {
        let store = Store {
            path: path.to_path_buf(),
            saved: None,
        };
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok((store, Restore::default()));
            }
            Err(e) => return Err(refuse(path, format!("cannot read it ({e})"))),
        };
        let value: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| refuse(path, format!("not a sandbox state file (not JSON: {e})")))?;
        if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(refuse(
                path,
                "not a sandbox state file (no \"format\": \"partner-webhooks-sandbox-state\")",
            ));
        }
        let file: StateFile = serde_json::from_value(value)
            .map_err(|e| refuse(path, format!("a damaged sandbox state file ({e})")))?;
        if file.version != VERSION {
            return Err(refuse(
                path,
                format!(
                    "state file version {} (this build reads {VERSION})",
                    file.version
                ),
            ));
        }
        config.partner_id = file.partner_id;
        config.api_key = file.api_key;
        config.username = file.username;
        config.password = file.password;
        config.platform_secret = file.platform_secret;
        let mut deliveries = file.deliveries;
        for r in &mut deliveries {
            if r.delivery.status == DeliveryStatus::Pending {
                r.delivery.status = DeliveryStatus::Failed;
                let note = r
                    .delivery
                    .note
                    .take()
                    .map_or(String::new(), |n| format!("{n}; "));
                r.delivery.note = Some(format!(
                    "{note}interrupted: the sandbox stopped before it ended"
                ));
            }
        }
        Ok((
            Store {
                saved: Some(text),
                ..store
            },
            Restore {
                partners: file.partners,
                deliveries,
            },
        ))
    }

    /// Writes the sandbox's state when it differs from what was last written.
    pub fn save(&mut self, sandbox: &Sandbox) -> Result<(), Error> {
        let file = StateFile {
            format: FORMAT.into(),
            version: VERSION,
            partner_id: sandbox.partner_id().into(),
            api_key: sandbox.api_key().into(),
            username: sandbox.username().into(),
            password: sandbox.password().into(),
            platform_secret: sandbox.platform_secret().into(),
            partners: sandbox.partner_settings(),
            deliveries: sandbox.export(),
        };
        let text = serde_json::to_string_pretty(&file).expect("plain data serializes") + "\n";
        if self.saved.as_deref() == Some(text.as_str()) {
            return Ok(());
        }
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let fail = |e: std::io::Error| refuse(&self.path, format!("cannot write it ({e})"));
        let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(fail)?;
        std::io::Write::write_all(&mut tmp, text.as_bytes()).map_err(fail)?;
        tmp.as_file().sync_all().map_err(fail)?;
        tmp.persist(&self.path).map_err(|e| fail(e.error))?;
        self.saved = Some(text);
        Ok(())
    }
}
