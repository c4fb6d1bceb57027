"""What gallery asks of the apps above it, as Django signals.

Gallery imports none of the apps above it; an app that has something to
add to a work's page connects a receiver in its `AppConfig.ready()`.
"""

from django.dispatch import Signal

# Sent while an accepted work's page is drawn, with `submission`. Each
# receiver returns a list of ``(label, url)`` badges shown under the title
# (community: "Winner - <challenge>").
work_badges_wanted = Signal()
