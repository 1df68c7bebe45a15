"""Staff photos: checked, shrunk and re-encoded (so no camera metadata survives), kept where no URL reaches."""

import io
import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from PIL import Image, ImageOps, UnidentifiedImageError

PHOTO_MAX_BYTES = 5 * 1024 * 1024
# Beyond this a picture is refused before it is decoded: a small file can claim enormous dimensions.
PHOTO_MAX_PIXELS = 40_000_000
# Cards show the photo at about 96 px; twice that and a little more keeps it sharp on any phone.
PHOTO_SIDE = 400
PHOTO_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
PHOTO_REFUSED = "Choose a photo saved as JPEG, PNG or WebP."


class PhotoStorage(FileSystemStorage):
    """Files in settings.HEARD_PHOTOS_DIR, read when used (so a test's own directory counts), with no public URL."""

    @property
    def base_location(self) -> str:
        return str(settings.HEARD_PHOTOS_DIR)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Photos have no public address: link to accounts:person_photo (User.photo_url).")


def photo_storage() -> FileSystemStorage:
    """Where photos are kept: a directory of the server's that no URL maps to."""
    return PhotoStorage()


def photo_upload_to(instance: object, filename: str) -> str:
    # A fresh name each time: the uploaded name may carry a person's name, and a new photo never reuses a path.
    return f"{uuid.uuid4().hex}.jpg"


def photo_reencode(upload) -> ContentFile:
    """Return the upload as a fresh JPEG of at most PHOTO_SIDE px, or refuse it with a clear message."""
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": "That photo is too big: choose one under 5 MB."})
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in PHOTO_FORMATS:
                raise ValidationError({"photo": PHOTO_REFUSED})
            if probe.width * probe.height > PHOTO_MAX_PIXELS:
                raise ValidationError({"photo": "That photo is too large to use: choose a smaller one."})
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            # Turn it the way the camera meant, then drop everything but the pixels (EXIF, GPS, ICC, comments).
            upright = ImageOps.exif_transpose(image)
            upright = upright.convert("RGB")
            upright.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
            clean = Image.new("RGB", upright.size)
            clean.paste(upright)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError({"photo": PHOTO_REFUSED}) from exc
    output = io.BytesIO()
    clean.save(output, format="JPEG", quality=85, optimize=True)
    return ContentFile(output.getvalue(), name="photo.jpg")
