"""The staff form that opens a challenge."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone

from art_tasks.models import CreationTask, SeedImage, Submission
from community.services.challenges import ENDED_TASK_STATES

LOCAL = "%Y-%m-%dT%H:%M"


class MomentInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=LOCAL)


class ChallengeForm(forms.Form):
    title = forms.CharField(max_length=120)
    theme = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What entrants should make: the theme, in a few sentences.",
    )
    tasks = forms.ModelMultipleChoiceField(
        queryset=CreationTask.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Works submitted to these tasks during the challenge enter it.",
    )
    opens_at = forms.DateTimeField(
        label="Opens",
        widget=MomentInput(),
        input_formats=[LOCAL],
        help_text="Site time (UTC).",
    )
    closes_at = forms.DateTimeField(
        label="Deadline",
        widget=MomentInput(),
        input_formats=[LOCAL],
        help_text="Site time (UTC); works submitted later do not enter.",
    )
    winner_count = forms.IntegerField(
        label="Winners", min_value=1, max_value=20, initial=3
    )
    points = forms.IntegerField(
        label="Points per winner", min_value=0, max_value=10_000, initial=50
    )
    cover_seed = forms.IntegerField(
        label="Cover seed",
        required=False,
        min_value=1,
        help_text="Optional: the number of a seed image to show as the cover.",
    )
    cover_work = forms.IntegerField(
        label="Cover work",
        required=False,
        min_value=1,
        help_text="Optional: the number of an accepted work (wins over the seed).",
    )

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["tasks"].queryset = (
            CreationTask.objects.exclude(state__in=ENDED_TASK_STATES)
            .exclude(state=CreationTask.State.DRAFT)
            .order_by("title", "id")
        )
        now = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["opens_at"].initial = now
        self.fields["closes_at"].initial = now + timedelta(days=7)

    def clean_cover_seed(self) -> SeedImage | None:
        pk = self.cleaned_data.get("cover_seed")
        if pk is None:
            return None
        seed = SeedImage.objects.filter(pk=pk).first()
        if seed is None:
            raise forms.ValidationError("No seed image with that number.")
        return seed

    def clean_cover_work(self) -> Submission | None:
        pk = self.cleaned_data.get("cover_work")
        if pk is None:
            return None
        work = Submission.objects.filter(pk=pk, state=Submission.State.ACCEPTED).first()
        if work is None:
            raise forms.ValidationError("No accepted work with that number.")
        return work
