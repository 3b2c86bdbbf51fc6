//! Runs `docs_examples.sh`, the CLI tab of the documentation site's examples,
//! with this build of the CLI first on `PATH` and a captured delivery (the
//! first of `tests/fixtures/deliveries.jsonl`) in its working directory.

use std::path::Path;
use std::process::Command;

#[test]
fn the_sites_cli_examples_run() {
    let bin = Path::new(env!("CARGO_BIN_EXE_partner-webhooks"));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/docs_examples.sh");
    let log = include_str!("../../../tests/fixtures/deliveries.jsonl");
    let recorded =
        partner_webhooks_sandbox::fixtures::parse_jsonl(log).expect("the fixture parses");
    let delivery = &recorded[0];
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("body.json"), &delivery.delivery.body)
        .expect("body.json written");
    let path = format!(
        "{}:{}",
        bin.parent().expect("the binary's directory").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .arg(&script)
        .current_dir(dir.path())
        .env("PATH", path)
        .env("SIGNATURE", &delivery.signature)
        .env("PLATFORM_SECRET", "fixture-platform-secret")
        .env("HEADER_SECRET", "fixture-header-value")
        .env(
            "CA_FILE",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/tls/ca.pem"),
        )
        .env_remove("PARTNER_API_KEY")
        .env_remove("PARTNER_API_BASE_URL")
        .env_remove("PARTNER_ID")
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the script failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(stdout.contains("docs examples: all ran\n"), "{stdout}");
    assert!(stdout.contains("the API refused it"), "{stdout}");
    assert!(stdout.contains("failed with exit code 4"), "{stdout}");
    assert!(
        stdout.contains("gave up after 200 ms (exit code 124)"),
        "{stdout}"
    );
    assert_eq!(
        stdout.matches("verified: channel_live").count(),
        2,
        "{stdout}"
    );
    assert!(
        stdout.contains("dev: the sandbox is the Partner API at"),
        "the local loop started: {stdout}"
    );
    assert!(
        stdout.contains("channel_live"),
        "the verified event is printed: {stdout}"
    );
}
