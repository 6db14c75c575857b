"""The hostile-input half of the photo intake: turn untrusted bytes into clean, oriented pixels.

It owns validation (format, bytes, pixels, decompression bombs, truncation), EXIF orientation,
downscaling, colour conversion and metadata stripping. It never looks at what is in the picture:
face detection and redaction live in `faces.py` and `photos.py`. Every refusal is a
`PrivacyError` whose message tells the consultant what to do, because uploads come from phones and
tablets whose users cannot read a traceback.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict, Field

from datawalk.errors import PrivacyError

MEGABYTE = 1_000_000
MEGAPIXEL = 1_000_000

# Pillow plugins we let near untrusted bytes. Restricting `Image.open(formats=...)` keeps exotic
# decoders (EPS runs Ghostscript, for instance) out of reach of an upload.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")  # JPEG also opens MPO (phone cameras)
NOT_A_PICTURE = "This file is not a picture DataWalk can read (JPEG, PNG or WebP)."
HEIC_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"avif")


class PhotoLimits(BaseModel):
    """Bounds on what the intake accepts and produces; one frozen instance is the default."""

    model_config = ConfigDict(frozen=True)

    max_bytes: int = Field(default=15 * MEGABYTE, gt=0)
    max_pixels: int = Field(default=40 * MEGAPIXEL, gt=0)
    max_side: int = Field(default=20_000, gt=0, description="Longest side accepted, in pixels.")
    output_long_side: int = Field(default=2048, gt=0, description="Stored images are at most this.")
    jpeg_quality: int = Field(default=85, ge=50, le=95)
    max_per_finding: int = Field(
        default=10,
        gt=0,
        description="Photos one finding may hold: enough for a room, small "
        "enough that its draft and its workbook stay quick.",
    )


PHOTO_LIMITS = PhotoLimits()


@dataclass(frozen=True)
class CleanImage:
    """Decoded, oriented, downscaled RGB pixels with no metadata, plus how to encode them."""

    image: Image.Image
    media_type: str
    upright_known: bool = False  # the EXIF said which way up the camera was held

    @property
    def width(self) -> int:
        return self.image.width

    @property
    def height(self) -> int:
        return self.image.height


def load_clean_image(data: bytes, limits: PhotoLimits = PHOTO_LIMITS) -> CleanImage:
    """Return the picture in `data` oriented, downscaled and stripped of every metadata block.

    Raises:
        PrivacyError: not a JPEG/PNG/WebP, too many bytes or pixels, damaged or truncated.
    """
    _check_bytes(data, limits)
    image = _open_header(data, limits)
    _check_dimensions(image.width, image.height, limits)
    source_format = image.format or ""
    _decode(image, limits)
    upright_known = _has_orientation(image)
    image = _orient(image)
    image = _to_srgb(image)
    image = _flatten(image)
    image = _downscale(image, limits.output_long_side)
    media_type = "image/png" if source_format == "PNG" else "image/jpeg"
    return CleanImage(image=_pixels_only(image), media_type=media_type, upright_known=upright_known)


def encode_image(image: Image.Image, media_type: str, limits: PhotoLimits = PHOTO_LIMITS) -> bytes:
    """Encode pixels with no EXIF, ICC, XMP or comment: nothing but the picture leaves here."""
    out = io.BytesIO()
    if media_type == "image/png":
        image.save(out, format="PNG", optimize=True)
    else:
        image.save(out, format="JPEG", quality=limits.jpeg_quality, optimize=True)
    return out.getvalue()


def _check_bytes(data: bytes, limits: PhotoLimits) -> None:
    if not data:
        raise PrivacyError("The photo file is empty. Take or upload it again.")
    if len(data) > limits.max_bytes:
        size = len(data) / MEGABYTE
        limit = limits.max_bytes / MEGABYTE
        raise PrivacyError(f"Photo is {size:.1f} MB; the limit is {limit:g} MB.")


def _open_header(data: bytes, limits: PhotoLimits) -> Image.Image:
    """Parse only the header: Pillow decodes lazily, so dimensions are known before any pixels."""
    if _is_heif(data):
        raise PrivacyError(
            "HEIC/HEIF photos (the iPhone default) cannot be read. Set the camera to "
            "'Most Compatible' or share the photo as JPEG, then upload it again."
        )
    try:
        with warnings.catch_warnings():
            # Pillow warns between 1x and 2x its own pixel limit and only raises above 2x; turn the
            # warning into an error so a large image never slips through as a mere log line.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PrivacyError(_too_many_pixels_message(None, None, limits)) from exc
    except UnidentifiedImageError as exc:
        raise PrivacyError(NOT_A_PICTURE) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise PrivacyError(_damaged_message()) from exc


def _is_heif(data: bytes) -> bool:
    return data[4:8] == b"ftyp" and data[8:12] in HEIC_BRANDS


def _check_dimensions(width: int, height: int, limits: PhotoLimits) -> None:
    if width <= 0 or height <= 0:
        raise PrivacyError(_damaged_message())
    if width * height > limits.max_pixels or max(width, height) > limits.max_side:
        raise PrivacyError(_too_many_pixels_message(width, height, limits))


def _too_many_pixels_message(width: int | None, height: int | None, limits: PhotoLimits) -> str:
    limit = f"the limit is {limits.max_pixels / MEGAPIXEL:g} megapixels"
    if width is None or height is None:
        return f"Photo has far too many pixels; {limit}. Take or export a smaller picture."
    size = width * height / MEGAPIXEL
    return (
        f"Photo is {width} × {height} pixels ({size:.1f} megapixels); {limit} and "
        f"{limits.max_side} pixels a side. Take or export a smaller picture."
    )


def _damaged_message() -> str:
    return "This picture is damaged or incomplete (the file may have been cut short). Try again."


def _decode(image: Image.Image, limits: PhotoLimits) -> None:
    """Decode the pixels; for JPEG let libjpeg scale down while decoding to save memory."""
    if image.format in ("JPEG", "MPO"):
        scale = limits.output_long_side / max(image.size)
        if scale < 1:
            image.draft("RGB", (round(image.width * scale), round(image.height * scale)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PrivacyError(_too_many_pixels_message(None, None, limits)) from exc
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError) as exc:
        raise PrivacyError(_damaged_message()) from exc


def _has_orientation(image: Image.Image) -> bool:
    """True when the EXIF names an orientation, so the picture is known to be upright after
    `_orient`; without one a tablet held sideways gives a sideways picture."""
    try:
        return image.getexif().get(0x0112) in range(1, 9)
    except (OSError, SyntaxError, ValueError, KeyError, TypeError):
        return False


def _orient(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation so the stored picture is upright once the EXIF is gone."""
    try:
        return ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, KeyError, TypeError):
        # A malformed EXIF block must not lose the photo; it only costs the rotation hint.
        return image


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert from an embedded colour profile to sRGB, so dropping the profile keeps colours."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image
    return converted if converted is not None else image


def _flatten(image: Image.Image) -> Image.Image:
    """Composite transparency onto white: transparent pixels still carry colour (a hidden face)."""
    if image.mode.startswith("I") or image.mode == "F":
        image = _to_8_bit(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if not has_alpha:
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(background, rgba).convert("RGB")


def _to_8_bit(image: Image.Image) -> Image.Image:
    """16-bit greyscale (scans, some phone exports) would clip to white if converted directly."""
    pixels = np.asarray(image, dtype=np.float64)
    top = 255.0 if image.mode == "F" else 65535.0
    scaled = np.clip(pixels / top * 255.0, 0, 255).astype(np.uint8)
    return Image.fromarray(scaled)  # 2-D uint8 is mode "L"


def _downscale(image: Image.Image, long_side: int) -> Image.Image:
    scale = long_side / max(image.size)
    if scale >= 1:
        return image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _pixels_only(image: Image.Image) -> Image.Image:
    """Rebuild the image from raw pixels so no `info` entry (EXIF, ICC, XMP, comment) survives."""
    return Image.frombytes("RGB", image.size, image.tobytes())
