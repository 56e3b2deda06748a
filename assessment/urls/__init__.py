"""The staff pages of the assessment app (namespace "assessment"), one module per feature.

The public pages (voting and survey answers) are mounted on their own by ``config.urls``.
"""

from assessment.urls import (
    ballots,
    drafts,
    evidence,
    grading,
    imports,
    integrity,
    items,
    project_progress,
    projects,
    provenance,
    results,
    sources,
    surveys,
    verify,
    warnings,
    years,
)

app_name = "assessment"

urlpatterns = (
    years.urlpatterns
    + evidence.urlpatterns
    + verify.urlpatterns
    + items.urlpatterns
    + grading.urlpatterns
    + projects.urlpatterns
    + project_progress.urlpatterns
    + imports.urlpatterns
    + results.urlpatterns
    + ballots.urlpatterns
    + surveys.urlpatterns
    + drafts.urlpatterns
    + integrity.urlpatterns
    + sources.urlpatterns
    + warnings.urlpatterns
    + provenance.urlpatterns
)
