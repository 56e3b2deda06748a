"""Assessment years, indicator schemes, targets, evidence and results (issue 3 onwards)."""
