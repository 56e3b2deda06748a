"""Django's own form and model messages that the office's users meet, in the office's words.

Django's Chinese catalogue speaks of 字段 and 值 ("此字段不能为空。"); the project's catalogue
is read before it (LOCALE_PATHS come first), so a msgid listed here and translated in
locale/zh_Hans replaces Django's wording everywhere. Nothing imports this module: it is here
for ``makemessages``, which keeps in the catalogue only the msgids it finds in the code.
"""

from django.utils.translation import gettext_noop

DJANGO_MESSAGES = (
    gettext_noop("This field is required."),
    gettext_noop("This field cannot be blank."),
    gettext_noop("This field cannot be null."),
    gettext_noop("Enter a valid value."),
    gettext_noop("Value %(value)r is not a valid choice."),
    gettext_noop("Please correct the duplicate data for %(field)s, which must be unique."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
)
