"""One harness for the tiers that run real servers (end to end, browser, faults, scale-out).

- :mod:`tests.harness.ports`: ``free_port`` and polling waits (``wait_until``, ``wait_http``,
  ``wait_gone``), never fixed sleeps.
- :mod:`tests.harness.postgres`: a throwaway PostgreSQL from Debian's binaries that a test can
  stop and start again on the same port.
- :mod:`tests.harness.served`: ``scripts/serve.sh`` (worker, action server, Rasa) on free ports,
  with its tracker store, enquiry database, mail folder and logs in one temporary folder.
- :mod:`tests.harness.stack`: the production architecture (PostgreSQL, Redis, replicas, nginx),
  for the scale-out test and the benchmark (:mod:`tests.harness.bench`).
- :mod:`tests.harness.folders`: where screenshots and reports go (temporary folders).

Nothing here writes outside a temporary folder, and every process it starts is stopped by it.
"""
