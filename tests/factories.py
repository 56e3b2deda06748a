"""factory_boy factories for the project's models (Chinese fake data)."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from units.models import Cadre, Membership, Unit, UnitCategory
from units.roles import GROUP_NAMES, Role

# The smallest file a PDF reader opens: what a test attaches as evidence.
PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitCategory
        django_get_or_create = ("code",)

    code = "town"
    name = "镇街"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.Sequence(lambda n: f"测试{n}镇")
    category = factory.SubFactory(CategoryFactory)
    headcount = 40


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    unit = factory.SubFactory(UnitFactory)
    name = factory.Faker("name", locale="zh_CN")
    position = "副镇长"
    rank_kind = Cadre.RankKind.DEPUTY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("name", locale="zh_CN")
    password = factory.django.Password("a-long-test-password")

    @factory.post_generation
    def role(self, create, extracted: Role | None, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=GROUP_NAMES[extracted]))

    @factory.post_generation
    def unit(self, create, extracted: Unit | None, **kwargs):
        if create:
            Membership.objects.create(user=self, unit=extracted)
