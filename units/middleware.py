from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user chose another language with the switcher.

    Django's own middleware follows the browser's Accept-Language, so an office PC with an
    English Windows would show an English site; here only the language cookie (set by the
    switcher at the foot of every page) changes the default.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        try:
            language = translation.get_supported_language_variant(chosen) if chosen else None
        except LookupError:
            language = None
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
