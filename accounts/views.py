"""Pages of accounts: sign-up and artist profiles."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from gallery.selectors import artist_works

from .forms import SignupForm
from .models import User
from .services import register_user


def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = register_user(
            username=data["username"],
            email=data["email"],
            password=data["password1"],
            display_name=data.get("display_name", ""),
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome to Atelier. Claim a task to start.")
        return redirect("art_tasks:task-list")
    return render(request, "accounts/signup.html", {"form": form})


def artist(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(User, username=username, is_active=True)
    works = artist_works(artist=person)
    return render(request, "accounts/artist.html", {"artist": person, "works": works})
