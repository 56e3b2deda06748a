"""A publication's digest, computed here as the README describes it (the SHA-256 of the
document's canonical JSON: sorted keys, no spaces, UTF-8), so that a test compares the stored
digest with an independent computation rather than with the code that stored it."""

import hashlib
import json
from typing import Any


def canonical_sha256(document: dict[str, Any]) -> str:
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
