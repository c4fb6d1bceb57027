import factory

from django.contrib.auth.models import Group

from accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    display_name = factory.LazyAttribute(lambda u: u.username.title())
    password = factory.django.Password("a-long-test-password")

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        """Record the address as confirmed, as after following the mail's link.

        Pass `verified_email=False` for a person who has not confirmed yet.
        """
        if not create or extracted is False or not self.email:
            return
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(
            user=self,
            email=self.email,
            defaults={"primary": True, "verified": True},
        )


class CuratorFactory(UserFactory):
    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def curator(self, create, extracted, **kwargs):
        group, _ = Group.objects.get_or_create(name="curators")
        self.groups.add(group)
