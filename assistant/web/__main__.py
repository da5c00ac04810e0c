"""``python -m assistant.web``: serve the demo page, the widget and the chat API proxy."""

from __future__ import annotations

import logging
import sys

from aiohttp import web

from assistant.web.app import create_app
from assistant.web.config import WebConfigError, load_web_config


def main() -> int:
    """Start the web front with the settings from the environment; return the exit status."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        config = load_web_config()
    except WebConfigError as exc:
        print(f"web front: {exc}", file=sys.stderr)
        return 2
    print(
        f"Demo page with the chat widget: http://{config.host}:{config.port}/ "
        f"(chat messages go to {config.rasa_url})",
        flush=True,
    )
    web.run_app(create_app(config), host=config.host, port=config.port, access_log=None, print=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
