"""The pictures and symbols a form's choices may show: drawn for Heard as SVG, named by slug.

A choice names its picture by slug ("picture": "pets"); the form's schema is checked against these
sets, so a mistyped slug is refused when the form is loaded, not shown as a broken image to a child.
Pictures are in static/heard/pictures/, symbols (for children who use symbols) in
static/heard/symbols/, and the feelings faces are the ones a child's messages use
(static/heard/feelings/), so a face means the same thing everywhere in Heard.
"""

# The faces of the message feelings scale, worst (1) to best (5), for the forms' feelings questions.
FACES = {
    "face_very_sad": "heard/feelings/feeling-1.svg",
    "face_sad": "heard/feelings/feeling-2.svg",
    "face_ok": "heard/feelings/feeling-3.svg",
    "face_happy": "heard/feelings/feeling-4.svg",
    "face_very_happy": "heard/feelings/feeling-5.svg",
}

PICTURE_SLUGS = (
    "yes",
    "no",
    "not_sure",
    "me",
    "carer",
    "mum",
    "dad",
    "brothers_sisters",
    "social_worker",
    "teacher",
    "advocate",
    "someone_else",
    "chair",
    "co_chair",
    "playing",
    "friends",
    "family",
    "pets",
    "outside",
    "more",
    "less",
    "right",
)
SYMBOL_SLUGS = (
    "yes",
    "no",
    "not_sure",
    "me",
    "carer",
    "mum",
    "dad",
    "brothers_sisters",
    "social_worker",
    "teacher",
    "advocate",
    "someone_else",
    "chair",
    "co_chair",
    "music",
    "food",
    "tv",
    "outside",
    "swimming",
)

PICTURES: dict[str, str] = {**FACES, **{slug: f"heard/pictures/{slug}.svg" for slug in PICTURE_SLUGS}}
SYMBOLS: dict[str, str] = {**FACES, **{slug: f"heard/symbols/{slug}.svg" for slug in SYMBOL_SLUGS}}

# Form versions published before the pictures were drawn named emoji; their answers stay valid and
# they are still shown (an invitation keeps its version), so each emoji they used has its drawing.
EARLIER_EMOJI = {
    "😄": "face_very_happy",
    "🙂": "face_happy",
    "😐": "face_ok",
    "🙁": "face_sad",
    "😢": "face_very_sad",
    "👍": "yes",
    "👎": "no",
    "🤷": "not_sure",
    "🙋": "me",
    "🏠": "carer",
    "👩": "mum",
    "👨": "dad",
    "👫": "friends",
    "📋": "social_worker",
    "🏫": "teacher",
    "🗣️": "advocate",
    "🧑": "someone_else",
    "🪑": "chair",
    "🤝": "co_chair",
    "🧸": "playing",
    "👪": "family",
    "🐶": "pets",
    "🌳": "outside",
    "🎵": "music",
    "🍎": "food",
    "📺": "tv",
    "🏊": "swimming",
    "⬆️": "more",
    "⬇️": "less",
    "👌": "right",
}


def picture_set(*, symbols: bool) -> dict[str, str]:
    """Return the pictures a form may name: symbols for a symbols form, else pictures."""
    return SYMBOLS if symbols else PICTURES


def picture_path(picture: object, *, symbols: bool) -> str | None:
    """Return the static path of a choice's picture, or None when it has none Heard can draw."""
    if not isinstance(picture, str):
        return None
    shown = picture_set(symbols=symbols)
    slug = EARLIER_EMOJI.get(picture, picture)
    if symbols and slug not in shown and slug in PICTURES:
        return PICTURES[slug]  # an earlier symbols form named a picture that has no symbol: show the picture
    return shown.get(slug)


def pictures_chosen(slugs: list[str]) -> list[tuple[str, str]]:
    """Return each chosen picture's word and static path, for staff reading what a child chose in a session."""
    shown = [(slug, PICTURES.get(slug) or SYMBOLS.get(slug)) for slug in slugs]
    return [(slug.removeprefix("face_").replace("_", " "), path) for slug, path in shown if path]
