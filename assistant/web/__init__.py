"""The website front: the demo page, the chat widget and a same-origin proxy to Rasa.

Run with ``python -m assistant.web`` (settings in :mod:`assistant.web.config`).
"""
