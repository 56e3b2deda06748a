"""The staff reports: reads and services behind ``reports.views.staff``.

- ``access``: who may open which report (the office, district leaders, a unit's own users).
- ``letters``: the target-responsibility letter (目标责任书) of a unit, as a page and a PDF.
- ``projection``: the engine run on the inputs as they are now, without storing a run.
- ``bulletins``: quarterly progress bulletins (季度讲评通报) and their comparison.
- ``leadership``: team and cadre scores with their formulas, a cadre's dossier, and the
  cadres with outstanding key-project contributions (优先提拔使用).
- ``bonus``: the bonus distribution (奖优罚劣) and its workbook for the finance office.
- ``dashboard``: the district leaders' dashboard.

Every read here makes a fixed number of queries, whatever the number of units.
"""
