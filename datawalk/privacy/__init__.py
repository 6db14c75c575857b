"""Privacy by design: photo redaction at intake, pupil-identifier scanning and retention.

Everything here is pure core: no streamlit, no database. The UI, the store and every import path
call these functions so that no unredacted photo is ever stored.
"""

from datawalk.privacy.faces import FACE_DETECTION, FaceDetection
from datawalk.privacy.images import PHOTO_LIMITS, PhotoLimits
from datawalk.privacy.photos import (
    PIPELINE_VERSION,
    RedactedPhoto,
    detect_faces,
    ensure_redacted,
    intake_photo,
    make_photo,
    preview_with_boxes,
    redact_photo,
)

__all__ = [
    "FACE_DETECTION",
    "PHOTO_LIMITS",
    "PIPELINE_VERSION",
    "FaceDetection",
    "PhotoLimits",
    "RedactedPhoto",
    "detect_faces",
    "ensure_redacted",
    "intake_photo",
    "make_photo",
    "preview_with_boxes",
    "redact_photo",
]
