"""The action server: rasa_sdk's app behind a shared secret, with errors that echo nothing.

Run with ``python -m assistant.action_server`` (scripts/serve.sh does). Rasa sends
the secret in the ``X-Action-Token`` header (``endpoints.yml``, from
``ACTION_SERVER_TOKEN``); any other caller gets 401. rasa_sdk's own error
handler returns the whole request body (the tracker: everything the visitor
typed) in a 500 and logs the request; this one returns a fixed message and
logs the error class only. CORS is closed: browsers never call this server.

Settings (environment): ``ACTIONS_HOST`` (127.0.0.1), ``ACTIONS_PORT`` (5055),
``ACTION_SERVER_TOKEN`` (required unless ``ACTION_SERVER_ALLOW_NO_TOKEN=1``,
for local experiments only).
"""

from __future__ import annotations

import hmac
import logging
import sys

from rasa_sdk.endpoint import create_app as create_sdk_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.settings import Config

logger = logging.getLogger(__name__)

TOKEN_HEADER = "x-action-token"
OPEN_PATHS = {"/health"}


def token_ok(given: str | None, expected: str) -> bool:
    """Constant-time comparison of the shared secret."""
    if not given:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def create_app(token: str | None, package: str = "actions") -> Sanic:
    """rasa_sdk's app with the token check and a quiet error handler."""
    app = create_sdk_app(package, cors_origins="")

    @app.middleware("request")
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS or token is None:
            return None
        if not token_ok(request.headers.get(TOKEN_HEADER), token):
            logger.warning("action server call refused: missing or wrong token")
            return response.json({"error": "unauthorised"}, status=401)
        return None

    async def quiet_errors(request: Request, exception: Exception) -> HTTPResponse:
        status = getattr(exception, "status_code", 500) or 500
        logger.error("action server error %s on %s", type(exception).__name__, request.path)
        return response.json({"error": "the action failed"}, status=status)

    app.error_handler.add(Exception, quiet_errors)
    return app


def keep_tensorflow_out() -> None:
    """Make ``import tensorflow`` fail in this process unless it already happened.

    spaCy's ``thinc`` imports TensorFlow whenever it is installed (it is, for Rasa), which costs
    the action server about 370 MB of memory and two seconds of start-up; nothing the actions
    do uses it, and ``thinc`` carries on without it."""
    sys.modules.setdefault("tensorflow", None)  # type: ignore[arg-type]


def main() -> None:
    """Serve on ACTIONS_HOST:ACTIONS_PORT."""
    keep_tensorflow_out()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s - %(message)s")
    config = Config()
    token = config.secret("ACTION_SERVER_TOKEN") or None
    if token is None and not config.flag("ACTION_SERVER_ALLOW_NO_TOKEN"):
        sys.exit("ACTION_SERVER_TOKEN is not set (scripts/serve.sh generates one)")
    host = config.text("ACTIONS_HOST")
    port = config.integer("ACTIONS_PORT", minimum=0)
    app = create_app(token)
    logger.info("action server on http://%s:%d", host, port)
    app.run(host=host, port=port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()
