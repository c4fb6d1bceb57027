"""Forms of the task pages: publishing and submitting."""

from __future__ import annotations

import uuid

from django import forms

from art_tasks import limits
from art_tasks.models import License
from art_tasks.services import clean_tag_names

CLAIM_MINUTES = limits.CLAIM_TTL.in_minutes()
REVIEW_HOURS = limits.REVIEW_WINDOW.in_hours()


class SelectWithDisabled(forms.Select):
    """A select whose options in `disabled` are shown but cannot be chosen."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.disabled: set[str] = set()

    def create_option(self, name, value, label, selected, index, **kwargs):  # noqa: ANN001, ANN003, ANN201
        option = super().create_option(name, value, label, selected, index, **kwargs)
        if str(value) in self.disabled:
            option["attrs"]["disabled"] = True
        return option


class PublishForm(forms.Form):
    title = forms.CharField(max_length=limits.TITLE_MAX_LENGTH)
    brief = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=limits.BRIEF_MAX_LENGTH
    )
    tags = forms.CharField(
        required=False, help_text="Comma-separated, e.g. abstract, colour-study"
    )
    license = forms.ChoiceField(choices=License.choices, initial=License.CC_BY)
    slots = forms.IntegerField(
        min_value=limits.SLOTS.low, max_value=limits.SLOTS.high, initial=10
    )
    claim_ttl_minutes = forms.IntegerField(
        min_value=CLAIM_MINUTES[0],
        max_value=CLAIM_MINUTES[1],
        initial=120,
        label="Claim time limit (minutes)",
    )
    claim_extensions = forms.IntegerField(
        min_value=limits.CLAIM_EXTENSIONS.low,
        max_value=limits.CLAIM_EXTENSIONS.high,
        initial=1,
        required=False,
        label="Claim extensions",
        help_text="How many times a contributor may extend a claim by the claim "
        "time (never past the deadline); 0 for none; empty: 1.",
    )
    deadline = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Optional; UTC.",
    )
    generator = forms.ChoiceField(
        choices=[],
        widget=SelectWithDisabled,
        help_text="The CPPN painter, or a version trained on the accepted gallery. "
        "A trained version can be chosen once staff have looked at its samples "
        "on the generators page.",
    )
    style = forms.ChoiceField(choices=[], help_text="Used by the CPPN painter only.")
    seed_count = forms.IntegerField(
        min_value=limits.SEED_COUNT.low,
        max_value=limits.SEED_COUNT.high,
        initial=8,
        label="Seed images",
    )
    image_size = forms.TypedChoiceField(
        coerce=int,
        choices=[(256, "256 px"), (512, "512 px"), (768, "768 px"), (1024, "1024 px")],
        initial=512,
    )
    # Voting rule; empty fields use the site default (docs/curation.md).
    vote_quorum = forms.IntegerField(
        required=False,
        min_value=limits.VOTE_QUORUM.low,
        max_value=limits.VOTE_QUORUM.high,
        label="Votes to decide (quorum)",
        help_text="Empty: the site default.",
    )
    accept_threshold = forms.FloatField(
        required=False,
        min_value=limits.ACCEPT_THRESHOLD.low,
        max_value=limits.ACCEPT_THRESHOLD.high,
        label="Mean score to accept (1-5)",
        help_text="Empty: the site default.",
    )
    review_window_hours = forms.IntegerField(
        required=False,
        min_value=REVIEW_HOURS[0],
        max_value=REVIEW_HOURS[1],
        label="Review window (hours)",
        help_text="How long a submission waits for votes; extended once if "
        "too few came. Empty: the site default.",
    )
    source = forms.ChoiceField(
        label="Seeds",
        choices=[
            ("fresh", "Fresh random genomes"),
            ("bred", "Bred from the fittest seeds of earlier tasks"),
            ("lab", "Bred by people in the lab: the lab seeds chosen below"),
        ],
        initial="fresh",
        required=False,  # left out: fresh
        widget=forms.RadioSelect,
        help_text="Bred seeds descend from the seeds of this style whose works "
        "curators scored highest; a quarter stay fresh for variety.",
    )

    lab_seeds = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Lab seeds",
        help_text="With “Bred by people in the lab”: proposed seeds and your own "
        "kept ones. The task gets one seed per lab seed (the seed count is "
        "ignored) and each breeder is credited.",
    )

    publish_key = forms.CharField(
        widget=forms.HiddenInput,
        max_length=100,
        required=False,
        help_text="A token per filled-in form, so sending it twice publishes once.",
    )

    def __init__(self, *args, styles: list[str], user=None, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["publish_key"].initial = uuid.uuid4().hex
        from generation.lab_selectors import lab_seeds_for_publishing
        from generation.models import LabSeed

        offered = list(lab_seeds_for_publishing(user=user)) if user else []
        self.fields["lab_seeds"].queryset = LabSeed.objects.filter(
            pk__in=[s.pk for s in offered]
        )
        self.fields["lab_seeds"].label_from_instance = _lab_seed_label
        self.lab_offered = offered
        from generation import registry
        from generation.palettes import STYLES
        from generation.selectors import trained_generators

        cppn = f"{registry.CPPN}@{registry.CPPN_VERSION}"
        trained = list(trained_generators())
        self.fields["generator"].choices = [(cppn, "CPPN painter")] + [
            (
                str(g),
                f"{g} — waiting for staff to look at its samples"
                if g.needs_review
                else f"{g} — {g.description}",
            )
            for g in trained
        ]
        self.fields["generator"].widget.disabled = {
            str(g) for g in trained if g.needs_review
        }
        self.fields["style"].choices = [
            (s, f"{s.replace('-', ' ').title()} — {STYLES[s].description}")
            for s in styles
        ]

    def clean_generator(self) -> tuple[str, str]:
        """Return the chosen generator as (name, version)."""
        from generation.registry import split_choice

        return split_choice(self.cleaned_data["generator"])

    def clean_claim_extensions(self) -> int:
        value = self.cleaned_data.get("claim_extensions")
        return 1 if value is None else value

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags", "")
        return clean_tag_names(t.strip().replace(" ", "-") for t in raw.split(","))


def _lab_seed_label(seed) -> str:  # noqa: ANN001 - a LabSeed
    """Return how the publish form names a lab seed: who bred it, for what."""
    where = ""
    if seed.proposed_at:
        target = f"for “{seed.proposed_for.title}”" if seed.proposed_for else "to staff"
        where = f", proposed {target}"
    return (
        f"Lab seed {seed.pk} by {seed.breeder.username} "
        f"({seed.recipe.get('style')}, generation {seed.recipe.get('generation', 1)})"
        f"{where}"
    )
