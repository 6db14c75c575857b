"""Privacy by design: photo redaction at intake, pupil-identifier scanning and retention.

Everything here is pure core: no streamlit, no database. The UI, the store and every import path
call these functions so that no unredacted photo is ever stored, identifiers in free text are
caught before saving, and data is deleted on time.
"""

from datawalk.privacy.faces import FACE_DETECTION, FaceDetection
from datawalk.privacy.identifiers import (
    KIND_LABELS,
    REDACTION,
    Match,
    MatchKind,
    redact_text,
    scan_text,
)
from datawalk.privacy.images import PHOTO_LIMITS, PhotoLimits
from datawalk.privacy.photos import (
    PIPELINE_VERSION,
    RedactedPhoto,
    cover_more,
    detect_faces,
    ensure_redacted,
    intake_photo,
    make_photo,
    preview_with_boxes,
    redact_photo,
    reintake_photo,
)
from datawalk.privacy.retention import (
    RetentionItem,
    RetentionPolicy,
    RetentionScope,
    due_for_deletion,
    retention_dates,
)

__all__ = [
    "FACE_DETECTION",
    "KIND_LABELS",
    "PHOTO_LIMITS",
    "PIPELINE_VERSION",
    "REDACTION",
    "FaceDetection",
    "Match",
    "MatchKind",
    "PhotoLimits",
    "RedactedPhoto",
    "RetentionItem",
    "RetentionPolicy",
    "RetentionScope",
    "cover_more",
    "detect_faces",
    "due_for_deletion",
    "ensure_redacted",
    "intake_photo",
    "make_photo",
    "preview_with_boxes",
    "redact_photo",
    "redact_text",
    "reintake_photo",
    "retention_dates",
    "scan_text",
]
