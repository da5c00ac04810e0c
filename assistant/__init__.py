"""Code that runs inside the Rasa server: settings, page knowledge, NLG, channel, NLU components.

Shared with the action server (``actions/``) where both need the same facts.
Nothing here does I/O at import time.
"""
