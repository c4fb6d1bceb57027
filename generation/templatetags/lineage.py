"""Template tags that show where a seed comes from and what it led to."""

from __future__ import annotations

from django import template

from art_tasks.models import SeedImage
from generation.selectors import FamilyTree, family_tree

register = template.Library()


@register.simple_tag
def family_tree_of(seed: SeedImage | None) -> FamilyTree | None:
    """Return `seed`'s family tree for `templates/generation/_family_tree.html`.

    The include computes its own tree, so any page that knows a seed can
    show its lineage without its view changing. One query per level.
    """
    if seed is None:
        return None
    return family_tree(seed=seed)
