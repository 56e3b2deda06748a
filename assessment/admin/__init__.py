"""The admin site's pages of the assessment app, one module per feature; Django's autodiscovery
imports this package, which registers them all."""

from assessment.admin import evaluations, evidence, projects, results, scheme, units

__all__ = ["evaluations", "evidence", "projects", "results", "scheme", "units"]
