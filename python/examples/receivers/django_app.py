"""Django receiver in one file: ``python django_app.py runserver 127.0.0.1:8000``.
In a project, the view goes in ``views.py`` and the route in ``urls.py``."""

import sys

from django.conf import settings

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    SECRET_KEY="example-only",
    MIDDLEWARE=[],
)

from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402
from django.views.decorators.http import require_POST  # noqa: E402

import partner_webhooks as pw  # noqa: E402
from common import handle, verifier  # noqa: E402


# readme: django
@csrf_exempt
@require_POST
def webhook(request):
    try:
        event = verifier.verify(request.headers.items(), request.body)
    except pw.WebhookVerificationError as e:
        return HttpResponse(status=e.http_status)  # 401, 413 or 400
    handle(event)
    return HttpResponse(status=200)
# end readme


urlpatterns = [path("webhook", webhook)]

if __name__ == "__main__":
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
