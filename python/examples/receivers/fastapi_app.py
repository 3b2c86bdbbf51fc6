"""FastAPI receiver: ``uvicorn fastapi_app:app --port 8000``."""

from fastapi import FastAPI, Request, Response

import partner_webhooks as pw
from common import handle, verifier

app = FastAPI()


# readme: fastapi
@app.post("/webhook")
async def webhook(request: Request) -> Response:
    try:
        event = verifier.verify(request.headers.items(), await request.body())
    except pw.WebhookVerificationError as e:
        return Response(status_code=e.http_status)  # 401, 413 or 400
    handle(event)
    return Response(status_code=200)
# end readme
