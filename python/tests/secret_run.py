"""Child process of test_secret_logs.py: a run with an API key, a password, a
bearer token and a secret header value, printing every repr and error message
it sees (the SDK's own logs go to stderr at trace level). Writes the four
secrets to the file named by argv[1] so the parent knows what to look for."""

import asyncio
import json
import logging
import sys

import partner_webhooks as pw

BEARER, HEADER, PROXY_PW = "bearer-secret-5c1d7a", "header-secret-8e2f4b", "proxy-secret-77a0c3"
shown = []


class Dump(logging.Handler):
    """Every record of the ``partner_webhooks`` logger, with all its attributes."""

    def emit(self, record):
        shown.append("LOG " + record.getMessage() + " " + repr(vars(record)))


logger = logging.getLogger("partner_webhooks")
logger.setLevel(1)
logger.addHandler(Dump())


def attempt(fn):
    try:
        shown.append(repr(fn()))
    except pw.PartnerWebhooksError as e:
        shown.extend([str(e), repr(e), repr(getattr(e, "_attrs", None))])


with pw.Sandbox() as sb:
    with open(sys.argv[1], "w") as f:
        json.dump([sb.api_key, sb.password, BEARER, HEADER, PROXY_PW], f)
    pid = sb.partner_id
    key = pw.Client(api_key=sb.api_key, base_url=sb.base_url, max_retries=1)
    pwd = pw.Client(username=sb.username, password=sb.password, base_url=sb.base_url, max_retries=1)
    bearer = pw.Client(bearer_token=BEARER, base_url=sb.base_url)
    shown += [repr(key), repr(pwd), repr(bearer), repr(key._native), repr(pwd._native)]
    attempt(lambda: key.set_webhook_headers(pid, {"Authorization": HEADER}))
    attempt(lambda: pwd.get_webhook_headers(pid))
    sb.inject_fault("*", status=503)
    sb.revoke_tokens()
    attempt(lambda: pwd.get_webhook_headers(pid))  # a retry and a token refresh, logged
    attempt(lambda: bearer.get_webhook_url(pid))  # 401
    attempt(lambda: key.set_webhook_headers(pid, {"X-A": HEADER + "\r\n"}))  # invalid input
    attempt(lambda: pw.Client(username=sb.username, password=sb.password + "-x", base_url=sb.base_url).get_webhook_url(pid))
    attempt(lambda: asyncio.run(pw.AsyncClient(bearer_token=BEARER, base_url=sb.base_url).get_webhook_url(pid)))
    attempt(lambda: pw.Client(api_key=sb.api_key, base_url="https://127.0.0.1:9", max_retries=0,
                              proxy=f"http://user:{PROXY_PW}@127.0.0.1:9").get_webhook_url(pid))
    verifier = pw.WebhookVerifier([sb.platform_secret], required_headers={"X-A": HEADER})
    shown.append(repr(verifier))
    attempt(lambda: verifier.verify({"x-a": "wrong"}, b"{}"))
print("\n".join(shown))
