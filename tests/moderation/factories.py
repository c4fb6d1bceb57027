"""Factories for reports.

A `ReportFactory` row is an open report made directly, without the checks
and notices of `moderation.services.report_work`; the work defaults to an
accepted work by a new artist.
"""

import factory

from moderation.models import Report
from tests.accounts.factories import UserFactory
from tests.curation.factories import accepted_work_by


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    submission = factory.LazyFunction(accepted_work_by)
    reporter = factory.SubFactory(UserFactory)
    reason = Report.Reason.SPAM
