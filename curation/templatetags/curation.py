"""Template helpers of curation: a task's voting rule in words."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template

from curation.rules import VotingRule

register = template.Library()


@register.filter
def voting_rule(task: Any) -> VotingRule:
    """Return the voting rule in force for a task."""
    return VotingRule.for_task(task)


@register.filter
def rule_summary(rule: dict | None) -> str:
    """Describe a stored decision rule (`Submission.decision_rule`) in words."""
    if not rule:
        return ""
    stored = VotingRule(
        quorum=int(rule.get("quorum", 0)),
        threshold=float(rule.get("threshold", 0)),
        window=timedelta(hours=float(rule.get("window_hours", 0))),
    )
    how = {
        "quorum": "decided at quorum",
        "early": "closed early",
        "window": "decided when the review window ended",
        "unreviewed": "no votes by the end of the window and its extension",
    }.get(rule.get("trigger", ""), "")
    return f"{stored.describe()} This work: {how}." if how else stored.describe()
