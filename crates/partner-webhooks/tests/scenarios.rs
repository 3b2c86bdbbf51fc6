//! Runs every cross-language scenario in `tests/scenarios/` against a fresh
//! in-process sandbox per scenario (see that folder's README for the format).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use partner_webhooks::{ClientConfig, Error, Operation, PartnerClient, RequestOptions};
use partner_webhooks_sandbox::{Fault, Sandbox, SandboxConfig, Stats};
use serde_json::{Map, Value};

fn scenario_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios")
}

fn scenario_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(scenario_dir())
        .expect("tests/scenarios exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

struct Ctx {
    sandbox: Sandbox,
}

impl Ctx {
    fn subst(&self, s: &str) -> String {
        s.replace("{partner_id}", self.sandbox.partner_id())
            .replace("{other_partner_id}", self.sandbox.other_partner_id())
            .replace("{base_url}", self.sandbox.base_url())
            .replace(
                "{tls_base_url}",
                &self.sandbox.base_url().replacen("http://", "https://", 1),
            )
    }

    fn subst_value(&self, v: &Value) -> Value {
        match v {
            Value::String(s) => Value::String(self.subst(s)),
            Value::Array(a) => Value::Array(a.iter().map(|x| self.subst_value(x)).collect()),
            Value::Object(o) => Value::Object(
                o.iter()
                    .map(|(k, x)| (self.subst(k), self.subst_value(x)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn client(&self, spec: &Value) -> PartnerClient {
        let base_url = match spec["base_url"].as_str() {
            Some(url) => self.subst(url),
            None => self.sandbox.base_url().to_string(),
        };
        let mut b = ClientConfig::builder().base_url(base_url);
        b = match spec["auth"].as_str().unwrap_or("api_key") {
            "api_key" => b.api_key(self.sandbox.api_key()),
            "wrong_api_key" => b.api_key("definitely-not-the-key"),
            "password" => b.username_password(self.sandbox.username(), self.sandbox.password()),
            "wrong_password" => b.username_password(self.sandbox.username(), "not-the-password"),
            "invalid_bearer" => b.bearer_token("never-issued-token"),
            other => panic!("unknown auth {other}"),
        };
        if let Some(ms) = spec["timeout_ms"].as_u64() {
            b = b.timeout(Duration::from_millis(ms));
        }
        if let Some(n) = spec["max_retries"].as_u64() {
            b = b.max_retries(n as u32);
        }
        PartnerClient::new(b.build().expect("scenario client config")).unwrap()
    }
}

/// The result of one call, reduced to what scenarios compare.
type Outcome = Result<(Value, u32), Error>;

/// Any operation of the table, with the step's keys named after its
/// parameters as arguments: a new operation needs no change here.
async fn call(client: &PartnerClient, step: &Value, ctx: &Ctx) -> Outcome {
    let mut opts = RequestOptions::new();
    if let Some(ms) = step["options"]["timeout_ms"].as_u64() {
        opts = opts.timeout(Duration::from_millis(ms));
    }
    if let Some(n) = step["options"]["max_retries"].as_u64() {
        opts = opts.max_retries(n as u32);
    }
    let client = client.with_options(opts);
    let name = step["call"].as_str().unwrap();
    let op = Operation::from_name(name).unwrap_or_else(|| panic!("unknown call {name}"));
    let args = op
        .spec()
        .params()
        .map(|p| ctx.subst_value(&step[p.name]))
        .collect();
    client
        .invoke(op, args)
        .await
        .map(|r| (r.data().value(), r.attempts()))
}

/// `expected` is a subset of `actual`.
fn check_subset(expected: &Value, actual: &Value, path: &str, failures: &mut Vec<String>) {
    match expected {
        Value::String(s) if s == "$absent" => {
            if !actual.is_null() {
                failures.push(format!("{path}: expected absent, got {actual}"));
            }
        }
        Value::String(s) if s == "$present" => {
            if actual.is_null() {
                failures.push(format!("{path}: expected present"));
            }
        }
        Value::Object(exp) => {
            let Value::Object(act) = actual else {
                failures.push(format!("{path}: expected an object, got {actual}"));
                return;
            };
            for (k, v) in exp {
                check_subset(
                    v,
                    act.get(k).unwrap_or(&Value::Null),
                    &format!("{path}.{k}"),
                    failures,
                );
            }
        }
        other => {
            if other != actual {
                failures.push(format!("{path}: expected {other}, got {actual}"));
            }
        }
    }
}

fn check_outcome(expect: &Value, outcome: &Outcome, failures: &mut Vec<String>) {
    let attempts = match outcome {
        Ok((_, a)) => *a,
        Err(e) => e.attempts(),
    };
    if let Some(want) = expect.get("attempts").and_then(Value::as_u64) {
        if u64::from(attempts) != want {
            failures.push(format!(
                "attempts: expected {want}, got {attempts} ({outcome:?})"
            ));
        }
    }
    match (expect.get("ok"), expect.get("error"), outcome) {
        (Some(ok), None, Ok((body, _))) => check_subset(ok, body, "ok", failures),
        (None, Some(err), Err(e)) => check_error(err, e, failures),
        (Some(_), None, Err(e)) => {
            failures.push(format!("expected success, got error: {e} ({e:?})"))
        }
        (None, Some(_), Ok((body, _))) => {
            failures.push(format!("expected an error, got success: {body}"))
        }
        _ => failures.push("expect needs exactly one of ok / error".into()),
    }
}

fn check_error(want: &Value, e: &Error, failures: &mut Vec<String>) {
    let want = want.as_object().unwrap();
    let mut actual = Map::new();
    actual.insert("kind".into(), e.kind().as_str().into());
    actual.insert("status".into(), e.status().into());
    actual.insert("developer_message".into(), e.developer_message().into());
    actual.insert(
        "details".into(),
        e.details().cloned().unwrap_or(Value::Null),
    );
    actual.insert("field".into(), e.field().into());
    actual.insert(
        "retry_after_ms".into(),
        e.retry_after().map(|d| d.as_millis() as u64).into(),
    );
    for (k, v) in want {
        match k.as_str() {
            "trace_id" => match v {
                Value::Bool(true) => {
                    if e.trace_id().is_none() {
                        failures.push(format!("error.trace_id: expected one ({e})"));
                    }
                }
                Value::String(s) => {
                    if e.trace_id() != Some(s.as_str()) {
                        failures.push(format!(
                            "error.trace_id: expected {s}, got {:?}",
                            e.trace_id()
                        ));
                    }
                }
                _ => failures.push("error.trace_id must be true or a string".into()),
            },
            "body_contains" => {
                let needle = v.as_str().unwrap();
                if !e.body().unwrap_or_default().contains(needle) {
                    failures.push(format!(
                        "error.body: expected to contain {needle:?}, got {:?}",
                        e.body()
                    ));
                }
            }
            "details" => check_subset(v, &actual["details"], "error.details", failures),
            key => {
                let got = actual.get(key).cloned().unwrap_or(Value::Null);
                if &got != v {
                    failures.push(format!("error.{key}: expected {v}, got {got} ({e})"));
                }
            }
        }
    }
}

fn check_stats(expect: &Value, before: &Stats, after: &Stats, failures: &mut Vec<String>) {
    if let Some(reqs) = expect.get("requests").and_then(Value::as_object) {
        for (route, want) in reqs {
            let got = after.count(route) - before.count(route);
            if Some(got) != want.as_u64() {
                failures.push(format!("requests.{route}: expected {want}, got {got}"));
            }
        }
    }
    if let Some(want) = expect.get("tokens_issued").and_then(Value::as_u64) {
        let got = after.tokens_issued - before.tokens_issued;
        if got != want {
            failures.push(format!("tokens_issued: expected {want}, got {got}"));
        }
    }
}

async fn run_scenario(path: PathBuf) -> Result<(), String> {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let scenario: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
        .map_err(|e| format!("{name}: invalid JSON: {e}"))?;
    let ctx = Ctx {
        sandbox: Sandbox::start(SandboxConfig::default()).await.unwrap(),
    };
    let client = ctx.client(&scenario["client"]);
    let mut failures = Vec::new();
    for (i, step) in scenario["steps"].as_array().unwrap().iter().enumerate() {
        if let Some(action) = step.get("sandbox").and_then(Value::as_str) {
            match action {
                "revoke_tokens" => {
                    ctx.sandbox.revoke_tokens();
                }
                "clear_faults" => {
                    ctx.sandbox.clear_faults();
                }
                other => failures.push(format!("unknown sandbox action {other}")),
            }
            continue;
        }
        for fault in step["faults"].as_array().into_iter().flatten() {
            let fault: Fault = serde_json::from_value(ctx.subst_value(fault))
                .map_err(|e| format!("{name}: fault: {e}"))?;
            ctx.sandbox
                .inject_fault(fault)
                .map_err(|e| format!("{name}: fault: {e}"))?;
        }
        let expect = &ctx.subst_value(&step["expect"]);
        let n = step["concurrency"].as_u64().unwrap_or(1) as usize;
        let before = ctx.sandbox.stats();
        let started = Instant::now();
        let outcomes = futures_join_all((0..n).map(|_| call(&client, step, &ctx))).await;
        let elapsed = started.elapsed().as_millis() as u64;
        let mut step_failures = Vec::new();
        for outcome in &outcomes {
            check_outcome(expect, outcome, &mut step_failures);
        }
        if let Some(min) = expect["elapsed_ms"]["min"].as_u64() {
            if elapsed < min {
                step_failures.push(format!("elapsed {elapsed} ms < min {min} ms"));
            }
        }
        if let Some(max) = expect["elapsed_ms"]["max"].as_u64() {
            if elapsed > max {
                step_failures.push(format!("elapsed {elapsed} ms > max {max} ms"));
            }
        }
        check_stats(expect, &before, &ctx.sandbox.stats(), &mut step_failures);
        step_failures.dedup();
        failures.extend(
            step_failures
                .into_iter()
                .map(|f| format!("step {}: {f}", i + 1)),
        );
    }
    ctx.sandbox.shutdown().await;
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{name} ({}):\n    {}",
            scenario["name"],
            failures.join("\n    ")
        ))
    }
}

/// Polls the futures together on this task (no extra dependency needed).
async fn futures_join_all<F: std::future::Future>(futs: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut pending: Vec<_> = futs.map(Box::pin).collect();
    let mut results: Vec<Option<F::Output>> = (0..pending.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all_done = true;
        for (i, f) in pending.iter_mut().enumerate() {
            if results[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => results[i] = Some(v),
                    std::task::Poll::Pending => all_done = false,
                }
            }
        }
        if all_done {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    results.into_iter().map(Option::unwrap).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_scenarios_pass() {
    let files = scenario_files();
    assert!(
        files.len() >= 25,
        "expected at least 25 scenarios, found {}",
        files.len()
    );
    // Each scenario has its own sandbox, so they run concurrently.
    let handles: Vec<_> = files
        .into_iter()
        .map(|f| tokio::spawn(run_scenario(f)))
        .collect();
    let mut failures = Vec::new();
    let mut passed = 0;
    for h in handles {
        match h.await.unwrap() {
            Ok(()) => passed += 1,
            Err(e) => failures.push(e),
        }
    }
    println!("{passed} scenarios passed, {} failed", failures.len());
    assert!(
        failures.is_empty(),
        "scenario failures:\n{}",
        failures.join("\n")
    );
}
