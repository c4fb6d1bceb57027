"""Carry existing accounts over to allauth's addresses and named API tokens.

Every account with an e-mail gets its address recorded as primary and
unverified: where verification is mandatory the person confirms it on the
next sign-in (allauth sends the link). Addresses are not marked verified
because nobody ever proved them. DRF's single tokens become named tokens
stored by hash, so scripts keep working with the token they have.
"""

import hashlib

from django.db import migrations


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    ApiToken = apps.get_model("accounts", "ApiToken")
    Token = apps.get_model("authtoken", "Token")
    have = set(EmailAddress.objects.values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=pk, email=email, primary=True, verified=False)
            for pk, email in User.objects.exclude(email="").values_list("pk", "email")
            if pk not in have
        ],
        batch_size=500,
    )
    ApiToken.objects.bulk_create(
        [
            ApiToken(
                user_id=token.user_id,
                name="API token",
                prefix=token.key[:8],
                key_hash=hashlib.sha256(token.key.encode()).hexdigest(),
                created_at=token.created,
            )
            for token in Token.objects.all()
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_profile_avatar_api_tokens_sent_mail"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
