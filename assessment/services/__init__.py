"""Writes of the assessment app, one module per subject; each validated and audited.

- ``year``: state transitions of an assessment year.
- ``compute``: computing, hashing and storing a year's results.
- ``scheme``: parameters, indicators and targets (with amendments once collecting starts).
- ``evidence``: recording, correcting and verifying evidence, statements, progress and overdue.
"""
