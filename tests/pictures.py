"""Pictures the tests draw: fictional, never a real pupil."""

from __future__ import annotations

import io
import random
import struct
import zlib

from PIL import Image


def noise_png(size: int = 96, seed: int = 7) -> bytes:
    """Return a PNG of random noise: its stored bytes hold long runs found nowhere else, so a
    test can look for them in a database file or an export."""
    pixels = random.Random(seed).randbytes(size * size * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (size, size), pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def one_bit_png(width: int, height: int, *, with_pixels: bool) -> bytes:
    """A real 1-bit PNG built by hand: huge in pixels, tiny in bytes, cheap to make."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    chunks = [png_chunk(b"IHDR", header)]
    if with_pixels:
        row = b"\x00" + b"\x00" * ((width + 7) // 8)
        compressor = zlib.compressobj(9)
        body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
        chunks.append(png_chunk(b"IDAT", body))
    chunks.append(png_chunk(b"IEND", b""))
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


def png_of(image: Image.Image, **save: object) -> bytes:
    """The image saved as PNG bytes."""
    out = io.BytesIO()
    image.save(out, format="PNG", **save)
    return out.getvalue()
