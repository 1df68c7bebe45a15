"""How deeply a JSON body nests, measured before it is parsed (Python's parser recurses and would fail)."""

import re

# No request Heard takes nests deeper than a few levels; a body built to exhaust the parser's
# recursion ('[' * 5000) is refused with a 400 before it is parsed.
MAX_JSON_DEPTH = 32
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def json_too_deep(body: bytes) -> bool:
    """Return True when the body's arrays and objects nest deeper than MAX_JSON_DEPTH."""
    brackets = _STRINGS.sub(b"", body).translate(None, _NOT_BRACKETS)
    depth = 0
    for byte in brackets:
        depth += 1 if byte in b"[{" else -1
        if depth > MAX_JSON_DEPTH:
            return True
    return False
