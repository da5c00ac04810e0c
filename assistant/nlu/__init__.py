"""Custom NLU graph components (listed in config.yml by module path)."""
