"""The workbench (工作台): every role's home page, what waits for this person now.

Each role gets a section of tasks, each with its count and one link to the page where it is
done. The counts come from ``reports.waiting`` (the one definition of open work the reminders,
the digest and the dashboard read too) or from the same queues the linked pages show
(``assessment.selectors.verify.queue_for_user``), so a number here is the number there.

- unit reporter: record evidence, rejected records to correct, overdue indicators, failures
  to answer with a statement, highlights below the minimum, the objection window while the
  results are out for comment, the unit's target letter;
- lead department: records waiting for its verification, grading grids not complete, units
  overdue on its indicators;
- supervision: record a failure, its records waiting for verification, veto events waiting
  for a second confirmer;
- assessment office: the verification queue, veto events to confirm, imports in progress,
  and the year's next step with what blocks it;
- district leader: the dashboard's headline figures (``page.headline``), compared with the
  last visit (``visits``).

The modules:

- ``tasks``: the sections of tasks per role;
- ``page``: the page as a whole: the year, the office's next step, the leaders' figures;
- ``visits``: each visit remembered, to say what changed since.

Reads but for the visit; a handful of queries per role.
"""
