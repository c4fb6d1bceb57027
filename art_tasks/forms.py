"""Forms of the task pages: publishing and submitting."""

from __future__ import annotations

from django import forms

from art_tasks.models import License, SeedImage


class SubmitForm(forms.Form):
    seed = forms.ModelChoiceField(queryset=SeedImage.objects.none(), empty_label=None)
    title = forms.CharField(max_length=120)
    statement = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    license = forms.ChoiceField(choices=License.choices)
    image = forms.FileField(
        help_text="PNG, JPEG or WebP, at most 20 MB and 40 megapixels."
    )

    def __init__(self, *args, task, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["seed"].queryset = task.seeds.all()
        self.fields["seed"].label_from_instance = lambda s: f"Seed {s.index + 1}"
        self.fields["license"].initial = task.license


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
