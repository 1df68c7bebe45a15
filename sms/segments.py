"""How a text will travel: GSM-7 or UCS-2, and in how many segments (what it costs).

GSM 03.38 basic character set and its extension table (each extension character takes two
septets). One segment holds 160 GSM-7 septets or 70 UCS-2 code units; a longer message is split
into parts of 153 or 67, the rest going to the concatenation header.
"""

_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = set("^{}\\[~]|€\f")


def encoding(text: str) -> str:
    """Return "GSM-7" when every character fits the GSM alphabet, else "UCS-2"."""
    return "GSM-7" if all(ch in _GSM_BASIC or ch in _GSM_EXTENSION for ch in text) else "UCS-2"


def segment_count(text: str) -> int:
    """Return how many segments the text will be sent as."""
    if encoding(text) == "GSM-7":
        units = sum(2 if ch in _GSM_EXTENSION else 1 for ch in text)
        single, part = 160, 153
    else:
        # UCS-2 counts UTF-16 code units: an emoji outside the basic plane takes two.
        units = len(text.encode("utf-16-le")) // 2
        single, part = 70, 67
    if units <= single:
        return 1
    return -(-units // part)
