"""Forms of accounts pages; allauth's own forms handle sign-in and passwords."""

from allauth.account.forms import LoginForm as AllauthLoginForm

from django import forms

from accounts.models import User


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form, with labels in Atelier's words."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username or e-mail"
        self.fields["login"].widget.attrs["placeholder"] = ""
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me signed in"


class SignupForm(forms.Form):
    """Extra sign-up field for allauth's form: the name shown on one's work."""

    display_name = forms.CharField(
        max_length=80,
        required=False,
        label="Display name",
        help_text="Shown on your artworks. You can change it later.",
    )

    def signup(self, request, user: User) -> None:  # noqa: ANN001 - allauth's hook
        user.display_name = self.cleaned_data.get("display_name", "").strip()
        user.save(update_fields=["display_name"])


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        max_length=80, required=False, help_text="Shown on your artworks and pages."
    )
    bio = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="A few words about you and your work.",
    )
    avatar = forms.FileField(
        required=False,
        help_text="PNG, JPEG or WebP. It is cropped to a square.",
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_avatar = forms.BooleanField(required=False, label="Remove my picture")


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=80, help_text="What the token is for, e.g. “my upload script”."
    )
