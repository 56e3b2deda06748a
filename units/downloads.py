"""Files offered for download, named in the user's language.

A Chinese user saves 考核奖金-2026.xlsx, not bonus-2026.xlsx: the name goes out per RFC 5987
(``filename*=UTF-8''…``), which every current browser reads, with an ASCII name beside it for
the clients that do not.
"""

from urllib.parse import quote

from django.http import HttpResponse


def content_disposition(filename: str, fallback: str) -> str:
    """An attachment named ``filename``, and ``fallback`` (ASCII) for old clients."""
    plain = fallback.encode("ascii", "ignore").decode().replace('"', "")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def attachment(response: HttpResponse, filename: str, fallback: str) -> HttpResponse:
    """``response`` as a download named ``filename`` (the user's language)."""
    response["Content-Disposition"] = content_disposition(filename, fallback)
    return response
