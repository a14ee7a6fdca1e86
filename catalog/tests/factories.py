"""Catalog factories. Products start at final_price == price; call
catalog.services.product_prices_refresh() after creating discounts to store discounted prices."""

from decimal import Decimal

import factory

from catalog.models import Category, Country, Discount, DiscountType, Manufacturer, Product, Tag


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"Категорія {n}")
    parent = None
    position = 0


class ManufacturerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Manufacturer
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"manufacturer-{n}")
    name = factory.Sequence(lambda n: f"Виробник {n}")


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}")
    name = factory.Sequence(lambda n: f"Країна {n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"tag-{n}")
    name = factory.Sequence(lambda n: f"Тег {n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        skip_postgeneration_save = True

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    title = factory.Sequence(lambda n: f"Товар {n}")
    description = "Опис товару"
    price = Decimal("100.00")
    currency = "UAH"
    category = None
    manufacturer = None
    country = None
    unit = "шт"

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class DiscountFactory(factory.django.DjangoModelFactory):
    """`DiscountFactory(products=[p], categories=[c], manufacturers=[m])` sets the targets."""

    class Meta:
        model = Discount
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Знижка {n}")
    type = DiscountType.PERCENT
    value = Decimal("10")
    priority = 0
    is_active = True

    @factory.post_generation
    def products(self, create, extracted, **kwargs):
        if create and extracted:
            self.products.set(extracted)

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)

    @factory.post_generation
    def manufacturers(self, create, extracted, **kwargs):
        if create and extracted:
            self.manufacturers.set(extracted)
