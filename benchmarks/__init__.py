"""What ``make bench`` runs: a city-scale data set in a throwaway database, and timings.

- ``dataset``: builds a city (units, schemes, targets, evidence, imports) as fast as it can.
- ``compute``: the entry point (``python -m benchmarks.compute``): builds, measures, prints.
"""
