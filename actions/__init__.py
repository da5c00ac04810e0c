"""Custom actions, one module per concern. The action server imports every module here."""
