"""What scoring hands back: one `ScoredFinding` per finding, plus the fixed classification ids.

These are output models only; nothing here computes a score. Classification ids are part of the
model itself (the two sides of the walk), so they are code, while their thresholds are YAML.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

OVER_EXPOSED = "over_exposed"
UNDER_AVAILABLE = "under_available"
BOTH = "both"
PROPORTIONATE = "proportionate"
CLASSIFICATIONS: tuple[str, ...] = (OVER_EXPOSED, UNDER_AVAILABLE, BOTH, PROPORTIONATE)
CLASSIFICATION_NAMES: dict[str, str] = {
    OVER_EXPOSED: "Over-exposed",
    UNDER_AVAILABLE: "Under-available",
    BOTH: "Over-exposed and under-available",
    PROPORTIONATE: "Proportionate",
}


class Recommendation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule_id: str
    action: str
    owner: str


class ScoredFinding(BaseModel):
    """Both sides of one finding: numbers, level ids, plain-English reasons and what to do."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    finding_id: str
    reference: str | None = None
    exposure: int = Field(ge=0, le=5)
    sensitivity: int = Field(ge=1, le=5)
    privacy_level: str
    need: int = Field(ge=1, le=5)
    availability_gap: int = Field(ge=0, le=5)
    safeguarding_level: str
    classification: str
    priority: float
    excess: list[str] = Field(description="Roles who see it without need, whole groups merged")
    missing: list[str] = Field(description="Roles who need it but cannot reach it in time")
    reasons: list[str]
    recommendations: list[Recommendation]
    commendation: str = ""
