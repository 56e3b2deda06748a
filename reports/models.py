"""Publication snapshots and reports (issue 6)."""
