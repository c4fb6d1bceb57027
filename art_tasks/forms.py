"""Forms of the task pages: publishing and submitting."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator

from art_tasks import limits
from art_tasks.models import License, SeedImage
from art_tasks.services import clean_work_tags


class _ReadRows(ModelChoiceIterator):
    """Offer the rows the field was given (`field.rows`), not a new query."""

    def __iter__(self):  # noqa: ANN204 - Django's signature
        if self.field.rows is None:
            yield from super().__iter__()
            return
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.field.rows:
            yield self.choice(row)

    def __len__(self) -> int:
        if self.field.rows is None:
            return super().__len__()
        return len(self.field.rows) + (self.field.empty_label is not None)


class SeedChoiceField(forms.ModelChoiceField):
    """A seed choice drawn from seeds already read with the task.

    Its choices come from `rows` (the task's prefetched seeds), so drawing
    the form costs no query; a posted choice is still checked against
    `queryset`.
    """

    iterator = _ReadRows
    rows: list | None = None


class SubmitForm(forms.Form):
    seed = SeedChoiceField(
        queryset=SeedImage.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,  # task_detail.html labels each by its thumbnail
        label="Seed you worked from",
        error_messages={"required": "Pick the seed your work was made from."},
    )
    title = forms.CharField(max_length=120)
    statement = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    license = forms.ChoiceField(choices=License.choices, label="Licence")
    image = forms.FileField(
        label="Your image",
        help_text="PNG, JPEG or WebP, at most 20 MB and 40 megapixels.",
        widget=forms.FileInput(
            attrs={
                "accept": "image/png,image/jpeg,image/webp",
                "data-preview": "upload-preview",
            }
        ),
    )

    def __init__(self, *args, task, seed: int | None = None, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        seeds = task.seeds.all()
        self.fields["seed"].queryset = seeds
        self.fields["seed"].rows = list(seeds)
        self.fields["seed"].label_from_instance = lambda s: f"Seed {s.index + 1}"
        # The seed the person came from (?seed=), else the first: the
        # prefetched seeds, so the choice costs no query.
        first = next(iter(seeds), None)
        self.fields["seed"].initial = seed or (first.pk if first else None)
        self.fields["license"].initial = task.license
        self._offer_task_tags(task)

    # Tags: the task's offered as checkboxes, others typed.
    tags = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "tag-check"}),
        label="Tags",
        help_text="Tags of this task that fit your work.",
    )
    more_tags = forms.CharField(
        required=False,
        max_length=500,
        label="Other tags",
        help_text=f"Separated by commas; letters, digits, hyphens and "
        f"underscores; at most {limits.TAGS_PER_WORK} tags in all.",
    )

    def _offer_task_tags(self, task) -> None:  # noqa: ANN001
        """Offer the task's tags; without any, only typed ones.

        `tag_list` reads the names joined in a `task_list` query, if any.
        """
        names = task.tag_list
        if names:
            self.fields["tags"].choices = [(n, n) for n in names]
        else:
            del self.fields["tags"]
            self.fields["more_tags"].label = "Tags"

    def clean(self) -> dict:
        """Check the ticked and typed tags together, as the service will."""
        data = super().clean()
        chosen = [*data.get("tags", []), data.get("more_tags", "")]
        try:
            data["tag_names"] = clean_work_tags(chosen)
        except ValidationError as exc:
            self.add_error("more_tags", exc.message_dict["tags"])
        return data


class DeadlineForm(forms.Form):
    """Staff's form to move a task's deadline (UTC; empty: no deadline)."""

    deadline = forms.DateTimeField(
        required=False,
        label="New deadline (UTC)",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
        help_text="Leave empty for no deadline. It cannot be earlier than the "
        "end of a live claim.",
    )
