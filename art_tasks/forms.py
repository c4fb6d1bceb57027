"""Forms of the task pages: publishing and submitting."""

from __future__ import annotations

from django import forms

from .models import License, SeedImage


class PublishForm(forms.Form):
    title = forms.CharField(max_length=120)
    brief = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    tags = forms.CharField(
        required=False, help_text="Comma-separated, e.g. abstract, colour-study"
    )
    license = forms.ChoiceField(choices=License.choices, initial=License.CC_BY)
    slots = forms.IntegerField(min_value=1, max_value=1000, initial=10)
    claim_ttl_minutes = forms.IntegerField(
        min_value=5,
        max_value=60 * 24 * 14,
        initial=120,
        label="Claim time limit (minutes)",
    )
    deadline = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Optional; UTC.",
    )
    style = forms.ChoiceField(choices=[])
    seed_count = forms.IntegerField(
        min_value=1, max_value=64, initial=8, label="Seed images"
    )
    image_size = forms.TypedChoiceField(
        coerce=int,
        choices=[(256, "256 px"), (512, "512 px"), (768, "768 px"), (1024, "1024 px")],
        initial=512,
    )

    def __init__(self, *args, styles: list[str], **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        from generation.palettes import STYLES

        self.fields["style"].choices = [
            (s, f"{s.replace('-', ' ').title()} — {STYLES[s].description}")
            for s in styles
        ]

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags", "")
        return [
            t.strip().lower().replace(" ", "-") for t in raw.split(",") if t.strip()
        ]


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
