"""Flask receiver: ``python flask_app.py`` (or any WSGI server: ``flask_app:app``)."""

from flask import Flask, request

import partner_webhooks as pw
from common import PORT, handle, verifier

app = Flask(__name__)


# readme: flask
@app.post("/webhook")
def webhook():
    try:
        event = verifier.verify(request.headers.items(), request.get_data())
    except pw.WebhookVerificationError as e:
        return "", e.http_status  # 401, 413 or 400
    handle(event)
    return "", 200
# end readme


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=PORT)
