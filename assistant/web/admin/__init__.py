"""The therapist's private web inbox at ``/admin/`` on the web front (issue #15)."""
