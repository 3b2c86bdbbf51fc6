//! The sandbox over raw HTTP, as any language's client sees it.

use partner_webhooks_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};

struct Raw {
    sb: Sandbox,
    http: reqwest::Client,
}

impl Raw {
    async fn start() -> Raw {
        Raw {
            sb: Sandbox::start(SandboxConfig::default()).await.unwrap(),
            http: reqwest::Client::new(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.sb.base_url(),
            path.replace("{pid}", self.sb.partner_id())
        )
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&str>,
        key: Option<&str>,
    ) -> (u16, Value) {
        let mut req = self.http.request(method, self.url(path));
        if let Some(k) = key {
            req = req.header("x-api-key", k);
        }
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn post(&self, path: &str, body: &str) -> (u16, Value) {
        let key = self.sb.api_key().to_string();
        self.send(reqwest::Method::POST, path, Some(body), Some(&key))
            .await
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let key = self.sb.api_key().to_string();
        self.send(reqwest::Method::GET, path, None, Some(&key))
            .await
    }
}

fn assert_meta(body: &Value, status: u16) {
    let meta = &body["meta"];
    assert_eq!(meta["http_code"], status, "{body}");
    assert_eq!(meta["success"], false, "{body}");
    assert!(meta["developer_message"].is_string(), "{body}");
    assert_eq!(
        meta["360dialog_trace_id"].as_str().map(str::len),
        Some(32),
        "{body}"
    );
}

#[tokio::test]
async fn set_webhook_url_bad_payloads_are_400_naming_the_field() {
    let r = Raw::start().await;
    let path = "/api/v2/partners/{pid}/webhook_url";
    for (body, field, reason) in [
        (
            "{not json",
            "_schema",
            "Invalid input type: the body must be a JSON object.",
        ),
        (
            "[1,2]",
            "_schema",
            "Invalid input type: the body must be a JSON object.",
        ),
        ("{}", "webhook_url", "Missing data for required field."),
        (
            r#"{"webhook_url": 5}"#,
            "webhook_url",
            "Not a valid string.",
        ),
        (
            r#"{"webhook_url": "not a url"}"#,
            "webhook_url",
            "Not a valid URL.",
        ),
        (
            r#"{"webhook_url": "ftp://x.example"}"#,
            "webhook_url",
            "Not a valid URL.",
        ),
        (
            r#"{"webhook_url": "https://x.example", "extra": 1}"#,
            "extra",
            "Unknown field.",
        ),
    ] {
        let (status, resp) = r.post(path, body).await;
        assert_eq!(status, 400, "{body}");
        assert_meta(&resp, 400);
        assert_eq!(
            resp["meta"]["details"][field],
            json!([reason]),
            "{body}: {resp}"
        );
    }
    // Nothing was stored by the refused requests.
    assert_eq!(r.get(path).await.1, json!({}));
}

#[tokio::test]
async fn set_webhook_headers_bad_payloads_are_400() {
    let r = Raw::start().await;
    let path = "/api/v2/partners/{pid}/webhook_headers";
    let (s, resp) = r.post(path, r#"{"webhook_headers": "x"}"#).await;
    assert_eq!(
        (s, &resp["meta"]["details"]["webhook_headers"][0]),
        (400, &json!("Not a valid mapping type."))
    );
    let (s, resp) = r
        .post(path, r#"{"webhook_headers": {"Bad Name": "v"}}"#)
        .await;
    assert_eq!(s, 400);
    assert_eq!(
        resp["meta"]["details"]["webhook_headers"]["Bad Name"],
        json!(["Not a valid header name."])
    );
    let (s, resp) = r
        .post(path, r#"{"webhook_headers": {"X-A": "a\r\nb"}}"#)
        .await;
    assert_eq!(s, 400);
    assert_eq!(
        resp["meta"]["details"]["webhook_headers"]["X-A"],
        json!(["Not a valid header value."])
    );
    // Values of any JSON type are stored as given (the spec allows them).
    let (s, resp) = r
        .post(path, r#"{"webhook_headers": {"X-N": 5, "X-S": "s"}}"#)
        .await;
    assert_eq!(s, 200);
    assert_eq!(resp["webhook_headers"], json!({"X-N": 5, "X-S": "s"}));
    assert_eq!(resp["id"], r.sb.partner_id());
}

#[tokio::test]
async fn auth_is_required_and_checked() {
    let r = Raw::start().await;
    let path = "/api/v2/partners/{pid}/webhook_url";
    let (s, body) = r.send(reqwest::Method::GET, path, None, None).await;
    assert_eq!(s, 401);
    assert_meta(&body, 401);
    let (s, _) = r
        .send(reqwest::Method::GET, path, None, Some("wrong"))
        .await;
    assert_eq!(s, 401);

    // Username/password → bearer token → access.
    let creds = json!({"username": r.sb.username(), "password": r.sb.password()}).to_string();
    let (s, tok) = r
        .send(reqwest::Method::POST, "/api/v2/token", Some(&creds), None)
        .await;
    assert_eq!(s, 200);
    assert_eq!(tok["token_type"], "Bearer");
    assert_eq!(tok["expires_in"], 3600);
    let token = tok["access_token"].as_str().unwrap();
    let ok = r
        .http
        .get(r.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    r.sb.revoke_tokens();
    let refused = r
        .http
        .get(r.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);

    let bad = json!({"username": r.sb.username(), "password": "nope"}).to_string();
    let (s, body) = r
        .send(reqwest::Method::POST, "/api/v2/token", Some(&bad), None)
        .await;
    assert_eq!(s, 401);
    assert_meta(&body, 401);
    let (s, body) = r
        .send(
            reqwest::Method::POST,
            "/api/v2/token",
            Some(r#"{"username":"u"}"#),
            None,
        )
        .await;
    assert_eq!(
        (s, &body["meta"]["details"]["password"][0]),
        (400, &json!("Missing data for required field."))
    );
}

#[tokio::test]
async fn unknown_partner_404_other_partner_403_unknown_path_404() {
    let r = Raw::start().await;
    let (s, body) = r.get("/api/v2/partners/nopePA/webhook_url").await;
    assert_eq!(s, 404);
    assert_meta(&body, 404);
    let other = format!(
        "/api/v2/partners/{}/webhook_headers",
        r.sb.other_partner_id()
    );
    let (s, body) = r.get(&other).await;
    assert_eq!(s, 403);
    assert_meta(&body, 403);
    let (s, body) = r.get("/api/v2/nothing/here").await;
    assert_eq!(s, 404);
    assert_meta(&body, 404);
}

#[tokio::test]
async fn fault_api_validates_lists_applies_and_clears() {
    let r = Raw::start().await;
    let (s, body) = r
        .post("/_sandbox/faults", r#"{"route": "nope", "status": 500}"#)
        .await;
    assert_eq!(s, 400);
    assert!(body["meta"]["details"]["route"].is_array(), "{body}");
    let (s, _) = r
        .post(
            "/_sandbox/faults",
            r#"{"route": "*", "status": 500, "colour": "red"}"#,
        )
        .await;
    assert_eq!(s, 400, "unknown fault fields are refused");
    let (s, _) = r.post("/_sandbox/faults", r#"{"route": "*"}"#).await;
    assert_eq!(s, 400, "a fault must do something");
    let (s, _) = r
        .post(
            "/_sandbox/faults",
            r#"{"route":"get_webhook_url","times":2,"status":503,"retry_after":7}"#,
        )
        .await;
    assert_eq!(s, 201);
    let (_, list) = r.get("/_sandbox/faults").await;
    assert_eq!(list["faults"][0]["times"], 2);

    let resp = r
        .http
        .get(r.url("/api/v2/partners/{pid}/webhook_url"))
        .header("x-api-key", r.sb.api_key())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 503);
    assert_eq!(resp.headers()["retry-after"], "7");
    let (_, list) = r.get("/_sandbox/faults").await;
    assert_eq!(list["faults"][0]["times"], 1);

    let (s, cleared) = r
        .send(reqwest::Method::DELETE, "/_sandbox/faults", None, None)
        .await;
    assert_eq!((s, cleared["cleared"].as_u64()), (200, Some(1)));
    let (s, _) = r.get("/api/v2/partners/{pid}/webhook_url").await;
    assert_eq!(s, 200);

    let (_, stats) = r.get("/_sandbox/stats").await;
    assert_eq!(stats["requests"]["get_webhook_url"], 2);
    assert_eq!(stats["faults_applied"], 1);
}

#[tokio::test]
async fn raw_fault_body_and_http_date_retry_after_are_sent_verbatim() {
    let r = Raw::start().await;
    let date = "Wed, 21 Oct 2026 07:28:00 GMT";
    let fault = json!({"route":"get_webhook_headers","status":429,"retry_after":date,"body":"<html>slow down</html>"});
    assert_eq!(r.post("/_sandbox/faults", &fault.to_string()).await.0, 201);
    let resp = r
        .http
        .get(r.url("/api/v2/partners/{pid}/webhook_headers"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], date);
    assert_eq!(resp.headers()["content-type"], "text/html");
    assert_eq!(resp.text().await.unwrap(), "<html>slow down</html>");
}

#[tokio::test]
async fn reset_fault_breaks_the_response() {
    let r = Raw::start().await;
    assert_eq!(
        r.post(
            "/_sandbox/faults",
            r#"{"route":"get_webhook_url","reset":true}"#
        )
        .await
        .0,
        201
    );
    let resp = r
        .http
        .get(r.url("/api/v2/partners/{pid}/webhook_url"))
        .send()
        .await;
    let broken = match resp {
        Err(_) => true,
        Ok(resp) => resp.bytes().await.is_err(),
    };
    assert!(broken, "the client must see the answer break off");
}

#[tokio::test]
async fn state_is_consistent_under_concurrent_writes() {
    let r = std::sync::Arc::new(Raw::start().await);
    let writers: Vec<_> = (0..40)
        .map(|i| {
            let r = r.clone();
            tokio::spawn(async move {
                let body =
                    json!({"webhook_headers": {format!("X-{i}"): i.to_string()}}).to_string();
                r.post("/api/v2/partners/{pid}/webhook_headers", &body)
                    .await
                    .0
            })
        })
        .collect();
    for w in writers {
        assert_eq!(w.await.unwrap(), 200);
    }
    // Each POST replaces the map: exactly one writer's map survives, whole.
    let (_, body) = r.get("/api/v2/partners/{pid}/webhook_headers").await;
    let map = body["webhook_headers"].as_object().unwrap();
    assert_eq!(map.len(), 1, "{body}");
    let (name, value) = map.iter().next().unwrap();
    assert_eq!(name.trim_start_matches("X-"), value.as_str().unwrap());
    assert_eq!(r.sb.stats().count("set_webhook_headers"), 40);
}
