"""Measurements behind the ``scripts/evaluate_*.py`` and ``scripts/measure_*.py`` entry points:
held-out sets read, scored and summarised. Not imported by the running assistant.
"""
