"""Small picture files for the photo tests, made with Pillow: real images, and things pretending to be."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def picture_bytes(fmt: str = "PNG", size: tuple[int, int] = (60, 40), exif: bytes | None = None) -> bytes:
    """An image in the given format; a JPEG may carry EXIF (camera details, a place)."""
    output = io.BytesIO()
    image = Image.new("RGB", size, (200, 120, 80))
    if exif is not None:
        image.save(output, format=fmt, exif=exif)
    else:
        image.save(output, format=fmt)
    return output.getvalue()


def gps_exif() -> bytes:
    """EXIF naming a camera and a place: what must not survive an upload."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Secret Phone 9"  # Model
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPS: central London
    return exif.tobytes()


def small_png(name: str = "me.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, picture_bytes("PNG"), content_type="image/png")
