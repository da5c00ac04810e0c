"""The benchmark behind ``make bench`` (its command line: ``scripts/bench.py``), in parts.

- :mod:`tests.harness.bench.workload`: the conversations each bot is sent, and the measurement
  of one configuration (the stack started, turns sent and timed, memory read).
- :mod:`tests.harness.bench.report`: pure functions from the results to percentiles, tables
  and the target checks (``TARGETS``).
- :mod:`tests.harness.bench.plot`: the figure, results/bench/latency.png.
- :mod:`tests.harness.bench.training`: ``rasa train`` timed, and the last time ``make train`` logged.
- :mod:`tests.harness.bench.minimal`: the minimal comparison bot, trained from the files in
  ``minimal_bot/``.

Importing the package starts nothing and reads no file.
"""
