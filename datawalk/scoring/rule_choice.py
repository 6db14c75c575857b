"""Which rules are recommended for each finding: where each rule holds, less what the guards and
the built-in floor block (see `datawalk.scoring.rules` for the rules themselves).

Kept apart from the rule definitions because this is the hot part of scoring: it runs on every
save (a frame of one row) and on every whole-audit score, so what depends on the checklist alone
(`guard_blocks`) is worked out once per compiled checklist.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from datawalk.scoring.result import CLASSIFICATIONS, PROPORTIONATE
from datawalk.scoring.rules import (
    CUT_CONTENT,
    REMOVE,
    TEMPLATE_RULE_FITS,
    CompiledRule,
    FrameFacts,
)
from datawalk.vocabulary import Rule


@dataclass(frozen=True)
class RuleChoice:
    """Per rule and finding (rules × n): what is recommended, and which guards held back
    something that would otherwise have been (their actions become reasons)."""

    chosen: np.ndarray
    noted_guards: np.ndarray


def effects_of(rule: Rule) -> frozenset[str]:
    """Everything a step does: its effect and its tags (guards block by any of them)."""
    return frozenset((rule.effect, *rule.tags))


def _leaves_beyond(compiled: CompiledRule, wanted: np.ndarray, needed: np.ndarray) -> np.ndarray:
    """Per finding: whether a leaf in `wanted` (leaves × n) cannot reach it after the step."""
    if compiled.keeps_all:
        return np.zeros(wanted.shape[1], dtype=bool)
    lost = wanted & ~compiled.reach_after[:, None]
    if compiled.keeps_needers:
        lost &= ~needed
    return np.logical_or.reduce(lost, axis=0)


def guard_blocks(rules: tuple[CompiledRule, ...]) -> np.ndarray:
    """Rules × rules: whether rule g, a guard, blocks rule r wherever g holds.

    It depends on the checklist alone (the effects a guard blocks, and whether a step keeps the
    audiences a guard must reach), so it is worked out once per compiled checklist, not per frame.
    """
    out = np.zeros((len(rules), len(rules)), dtype=bool)
    for g, guard in enumerate(rules):
        if not guard.rule.guard:
            continue
        blocked_effects = set(guard.rule.blocks)
        for row, compiled in enumerate(rules):
            if compiled.rule.guard:
                continue
            blocked = bool(effects_of(compiled.rule) & blocked_effects)
            if guard.must_reach.any() and not compiled.keeps_needers:
                # Where the guard holds its audiences are needers too: a step that keeps every
                # needer keeps them; a closed list (keys with the DSL only) must name them.
                blocked |= bool((guard.must_reach & ~compiled.reach_after).any())
            out[row, g] = blocked
    return out


def rule_matrix(
    rules: tuple[CompiledRule, ...],
    frame: FrameFacts,
    template_rule: np.ndarray | None = None,
    blocks: np.ndarray | None = None,
) -> RuleChoice:
    """Return which rules are recommended for each finding, guards applied.

    A fallback is recommended only where no specific rule is; a guard is noted where a rule it
    blocks held. The floor: a step that would leave a needer unable to reach the information is
    never recommended, nor one that cuts content from a child-protection record. A quick
    template's own rule also holds for a finding made from it while a side fails (the template
    says what was seen, even before, say, the review date is typed in). `blocks` is
    `guard_blocks(rules)`, when the caller keeps it.
    """
    n = len(frame.overdue)
    holds = np.zeros((len(rules), n), dtype=bool)
    for row, compiled in enumerate(rules):
        holds[row] = compiled.mask(frame)
    if template_rule is not None:
        own = template_rule[frame.codes("template")]
        failing = frame.classification != CLASSIFICATIONS.index(PROPORTIONATE)
        for row in np.unique(own[own >= 0]):
            fits = rules[row].mask(frame, only=TEMPLATE_RULE_FITS)
            holds[row] |= (own == row) & failing & fits
    blocks = guard_blocks(rules) if blocks is None else blocks
    counts = holds.astype(np.int32)
    by_guard = (blocks.astype(np.int32) @ counts) > 0  # rules × n: a guard that blocks it holds
    noted = holds & ((blocks.T.astype(np.int32) @ counts) > 0)  # guards × n: something it blocks
    cp = np.zeros(n, dtype=bool) if frame.child_protection is None else frame.child_protection
    chosen = np.zeros_like(holds)
    for row, compiled in enumerate(rules):
        rule = compiled.rule
        if rule.guard or not holds[row].any():
            continue
        blocked = _leaves_beyond(compiled, frame.needed, frame.needed) | by_guard[row]
        if effects_of(rule) & {CUT_CONTENT, REMOVE}:  # a child-protection record is never cut
            blocked |= cp
        chosen[row] = holds[row] & ~blocked
    fallback = np.array([r.rule.fallback for r in rules], dtype=bool)
    any_specific = chosen[~fallback].any(axis=0)
    chosen[fallback] &= ~any_specific
    return RuleChoice(chosen=chosen, noted_guards=noted)


def first_rules(template_rule: np.ndarray, frame: FrameFacts, chosen: np.ndarray) -> np.ndarray:
    """Per finding: the row of its template's rule when that rule is recommended, else -1."""
    first = template_rule[frame.codes("template")]
    picked = np.zeros(len(first), dtype=bool)
    has = first >= 0
    picked[has] = chosen[first[has], np.flatnonzero(has)]
    return np.where(picked, first, -1)
