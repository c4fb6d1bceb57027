"""Register the learned generator that ships with Atelier.

    python manage.py register_shipped_generator

Adds ``atelier-gan@1`` (`generation.shipped`'s committed weights, trained on
the CPPN corpus) to the site's generators, with its training record and
quality figures, so staff can pick it for a task at once. Running it again
changes nothing. ``make demo`` runs it.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Register the learned generator that ships with Atelier."

    def handle(self, *args, **opts) -> None:  # noqa: ANN002, ANN003
        from generation.training import register_shipped

        model, created = register_shipped()
        if not created:
            self.stdout.write(f"{model} is registered already.")
            return
        verdict = (
            "reviewed: it meets the quality bar"
            if model.reviewed_at
            else "below the quality bar: staff must confirm it before tasks use it"
        )
        self.stdout.write(self.style.SUCCESS(f"Registered {model} ({verdict})."))
