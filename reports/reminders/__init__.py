"""Reminders: phase deadlines, what is overdue per role, the home panel, e-mail.

- ``schedule``: deadline arithmetic on dates (pure).
- ``items``: what a reminder is (``Reminder``), who acts on it, the phases' names.
- ``work``: what is overdue or due soon in a year, phase by phase, from the data.
- ``audience``: who acts on which reminder and who may read it.
- ``services``: the office sets a year's deadlines (``deadlines_save``).
- ``forms``: the deadlines page and the reminders page's filters.
- ``panel``: the reminders panel of the staff home page.
- ``digest``: the daily e-mail digest (``manage.py send_reminders``).

See ``docs/reminders.md``.
"""
