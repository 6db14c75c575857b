"""Pill and segment labels are escaped once per checklist and kept: a label belongs to the
checklist it came from, even when another checklist uses the same term ids."""

from __future__ import annotations

from datawalk.checklist import DEFAULT_CHECKLIST_PATH, load_checklist
from datawalk.ui import widgets


def _renamed(checklist, vocabulary: str, term_id: str, name: str):
    terms = [
        term.model_copy(update={"name": name}) if term.id == term_id else term
        for term in getattr(checklist.objects, vocabulary)
    ]
    objects = checklist.objects.model_copy(update={vocabulary: terms})
    return checklist.model_copy(update={"objects": objects})


def test_labels_are_escaped_and_belong_to_their_own_checklist() -> None:
    uk = load_checklist(DEFAULT_CHECKLIST_PATH)
    first = uk.objects.formats[0]
    other = _renamed(uk, "formats", first.id, "Poster [see *notes*]")
    ids, label_of = widgets._labels(uk, "formats")
    other_ids, other_label_of = widgets._labels(other, "formats")
    assert ids == other_ids == [term.id for term in uk.objects.formats]
    assert label_of(first.id) == widgets.escape_markdown(first.name)
    assert other_label_of(first.id) == r"Poster \[see \*notes\*\]"
    assert widgets._labels(uk, "formats")[1](first.id) == label_of(first.id)
    assert label_of("not_a_term") == r"not\_a\_term"
