"""Forms of the collection pages."""

from __future__ import annotations

import re

from django import forms

from art_tasks.models import Submission


class CollectionForm(forms.Form):
    title = forms.CharField(max_length=120)
    statement = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What ties these works together.",
    )
    published = forms.BooleanField(
        label="Public",
        required=False,
        help_text="Anyone may see a public collection; a private one is yours only.",
    )
    featured = forms.BooleanField(
        label="Staff exhibition",
        required=False,
        help_text="Listed first on the collections page; any staff member edits it.",
    )
    cover = forms.ModelChoiceField(
        queryset=Submission.objects.none(),
        required=False,
        empty_label="(first work)",
    )

    def __init__(  # noqa: ANN204
        self,
        *args,  # noqa: ANN002
        works=None,  # noqa: ANN001
        staff: bool = False,
        **kwargs,  # noqa: ANN003
    ):
        super().__init__(*args, **kwargs)
        if works is None:
            del self.fields["cover"]
        else:
            self.fields["cover"].queryset = works
            self.fields["cover"].label_from_instance = lambda w: f"#{w.pk} {w.title}"
        if not staff:
            del self.fields["featured"]


class AddWorkForm(forms.Form):
    work = forms.CharField(
        label="Add a work",
        max_length=300,
        help_text="Its number or the link to its page, e.g. /art/12/.",
    )

    def clean_work(self) -> Submission:
        raw = self.cleaned_data["work"]
        match = re.search(r"(?:/art/)?(\d+)/?\s*$", raw.strip())
        work = (
            Submission.objects.filter(pk=int(match.group(1))).first() if match else None
        )
        if work is None:
            raise forms.ValidationError("No artwork with that number or link.")
        return work
