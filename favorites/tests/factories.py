import factory

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from favorites.models import Favorite


class FavoriteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Favorite

    user = factory.SubFactory(UserFactory)
    product = factory.SubFactory(ProductFactory)
