import factory

from accounts.models import Address, User

PASSWORD = "Sufficiently-long-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    phone = factory.Sequence(lambda n: f"+38097{1000000 + n:07d}")
    first_name = "Іван"
    last_name = "Петренко"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    user = factory.SubFactory(UserFactory)
    name = "Іван Петренко"
    phone = "+380971112233"
    country = "UA"
    city = "Київ"
    street = "Хрещатик"
    building = "1"
