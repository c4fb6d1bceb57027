"""The webhook form of the staff page and of an artist's settings."""

from __future__ import annotations

from django import forms

from integrations.models import ARTIST_EVENTS, EventType


class EndpointForm(forms.Form):
    url = forms.URLField(
        label="Payload URL",
        max_length=500,
        assume_scheme="https",
        help_text="Atelier POSTs each event here as signed JSON.",
    )
    description = forms.CharField(max_length=200, required=False)
    events = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple(attrs={"class": "event-check"}),
        help_text="The events this webhook reports.",
    )
    is_active = forms.BooleanField(label="Active", required=False, initial=True)

    def __init__(self, *args: object, staff: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        allowed = (
            EventType.choices if staff else [(e.value, e.label) for e in ARTIST_EVENTS]
        )
        self.fields["events"].choices = allowed
        if not staff:
            self.fields["events"].help_text = "Events about your own works only."
