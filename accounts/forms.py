from django import forms
from django.contrib.auth.forms import UserCreationForm

from .models import User
from .services import USERNAME_UNAVAILABLE, username_available


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=True)
    display_name = forms.CharField(max_length=80, required=False)

    class Meta:
        model = User
        fields = ("username", "email", "display_name")

    def clean_username(self) -> str:
        """Refuse a taken username with the same words as any unusable one.

        Django's own message ("A user with that username already exists")
        would make the form a directory of accounts.
        """
        username = self.cleaned_data.get("username", "")
        if not username_available(username):
            raise forms.ValidationError(USERNAME_UNAVAILABLE, code="unavailable")
        return username
