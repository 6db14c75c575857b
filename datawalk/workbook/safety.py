"""Checks an uploaded workbook must pass BEFORE any spreadsheet parser sees it.

An edited workbook comes back from outside the consultant's control, so it is treated as hostile:
size first, then the zip container (truncation, CRC, member count, declared AND actual uncompressed
sizes, compression ratios), then the package's content types (no macro-enabled `.xlsm`, no
`vbaProject.bin`). Only then may `reader.py` hand the bytes to python-calamine. XML read here goes
through defusedxml, so entity tricks in `[Content_Types].xml` or `docProps/custom.xml` cannot
expand. This module never imports streamlit and never writes anything.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from datawalk.errors import InterchangeError

XLSX_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_CONTENT_TYPES = "[Content_Types].xml"
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_CUSTOM_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
_CHUNK = 1 << 16


@dataclass(frozen=True)
class UploadLimits:
    """Bounds on an uploaded workbook; a real DataWalk export of a big audit sits well inside."""

    max_bytes: int = 20 * 1024 * 1024
    max_members: int = 2_000
    max_uncompressed: int = 200 * 1024 * 1024
    max_member_uncompressed: int = 100 * 1024 * 1024
    max_ratio: float = 200.0
    ratio_floor: int = 1024 * 1024


DEFAULT_LIMITS = UploadLimits()


def check_workbook_bytes(
    data: bytes, filename: str | None = None, limits: UploadLimits = DEFAULT_LIMITS
) -> zipfile.ZipFile:
    """Return the upload opened as a zip once it is proven a plain, bounded .xlsx package.

    Raises:
        InterchangeError: oversized, not a zip, truncated or corrupt, a zip bomb, or macro-enabled.
    """
    _check_name(filename)
    if len(data) > limits.max_bytes:
        raise InterchangeError(
            f"The file is {len(data) / 1_048_576:.1f} MB; the largest workbook accepted is "
            f"{limits.max_bytes / 1_048_576:.0f} MB."
        )
    if not data.startswith(b"PK\x03\x04"):
        raise InterchangeError("This is not an Excel .xlsx workbook; export one from DataWalk.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as error:
        raise InterchangeError(
            "The workbook is damaged or truncated; save it again in Excel and re-upload it."
        ) from error
    _check_sizes(members, limits)
    _check_package(archive)
    _check_actual_sizes(archive, members, limits)
    return archive


def custom_properties(archive: zipfile.ZipFile) -> dict[str, str]:
    """Return the document's custom properties (name → text), read with defusedxml."""
    try:
        raw = archive.read("docProps/custom.xml")
    except KeyError:
        return {}
    root = _parse_xml(raw, "docProps/custom.xml")
    properties: dict[str, str] = {}
    for prop in root.iter(f"{_CUSTOM_NS}property"):
        name = prop.get("name")
        if name:
            properties[name] = "".join(prop.itertext()).strip()
    return properties


def _check_name(filename: str | None) -> None:
    if not filename:
        return
    lowered = filename.lower()
    if lowered.endswith((".xlsm", ".xltm", ".xlam")):
        raise InterchangeError(
            f"'{filename}' is a macro-enabled workbook; save it as .xlsx and upload that."
        )
    if not lowered.endswith(".xlsx"):
        raise InterchangeError(f"'{filename}' is not an .xlsx workbook.")


def _check_sizes(members: list[zipfile.ZipInfo], limits: UploadLimits) -> None:
    """Refuse a zip bomb from its central directory alone, before inflating a single byte."""
    if len(members) > limits.max_members:
        raise InterchangeError(
            f"The workbook holds {len(members)} parts; at most {limits.max_members} are accepted."
        )
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > limits.max_member_uncompressed:
            raise InterchangeError(
                f"Part '{member.filename}' would unpack to {member.file_size:,} bytes; refused."
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise InterchangeError(
                f"Part '{member.filename}' is compressed {ratio:.0f}:1, a sign of a zip bomb; "
                "refused."
            )
    if total > limits.max_uncompressed:
        raise InterchangeError(
            f"The workbook would unpack to {total:,} bytes; at most "
            f"{limits.max_uncompressed:,} are accepted."
        )


def _check_package(archive: zipfile.ZipFile) -> None:
    names = set(archive.namelist())
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise InterchangeError(
            "The workbook contains macros (vbaProject.bin); save it as a plain .xlsx and retry."
        )
    if _CONTENT_TYPES not in names:
        raise InterchangeError("This is a zip file but not an Excel .xlsx workbook.")
    root = _parse_xml(_read_member(archive, _CONTENT_TYPES), _CONTENT_TYPES)
    types = {element.get("ContentType", "") for element in root.iter()}
    if any("macroenabled" in content_type.lower() for content_type in types):
        raise InterchangeError(
            "The workbook is macro-enabled (.xlsm content); save it as a plain .xlsx and retry."
        )
    if XLSX_MAIN_TYPE not in types:
        raise InterchangeError("This package is not an Excel .xlsx workbook.")


def _check_actual_sizes(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], limits: UploadLimits
) -> None:
    """Inflate each part with a hard cap, so a lying size field or a bad CRC is caught here."""
    total = 0
    for member in members:
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise InterchangeError(f"Part '{member.filename}' uses an unsupported compression.")
        size = 0
        try:
            with archive.open(member) as stream:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    if size > member.file_size or total + size > limits.max_uncompressed:
                        raise InterchangeError(
                            f"Part '{member.filename}' unpacks to more than it declares; refused."
                        )
        except (zipfile.BadZipFile, EOFError, zlib.error, OSError) as error:
            raise InterchangeError(
                "The workbook is damaged or truncated; save it again in Excel and re-upload it."
            ) from error
        total += size


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, EOFError, zlib.error, OSError) as error:
        raise InterchangeError(
            "The workbook is damaged or truncated; save it again in Excel and re-upload it."
        ) from error


def _parse_xml(raw: bytes, name: str) -> Element:
    try:
        return ElementTree.fromstring(raw)
    except (DefusedXmlException, ElementTree.ParseError) as error:
        raise InterchangeError(f"Part '{name}' of the workbook is not safe, valid XML.") from error
