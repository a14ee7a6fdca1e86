"""The demo catalog behind `manage.py seed_demo`: deterministic, idempotent, fast in bulk.

`demo_catalog_seed` upserts a small dental-supplies shop (categories three levels deep,
manufacturers, countries, tags, ~40 products, discounts, stock) keyed by slug/sku/code/name,
so running it again changes nothing. `demo_products_bulk_seed` adds `BULK-000001`…
products with bulk inserts for load tests; product i is the same on every run.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from catalog.caching import listing_changed
from catalog.models import Category, Country, Discount, DiscountType, Manufacturer, Product, Tag
from catalog.services import product_prices_refresh
from config.errors import DomainError

ProgressCallback = Callable[[int, int], None]

# --- the small demo shop ------------------------------------------------------------------

# (slug, name, parent slug, position)
CATEGORIES: list[tuple[str, str, str | None, int]] = [
    ("terapiia", "Терапія", None, 1),
    ("plombuvalni-materialy", "Пломбувальні матеріали", "terapiia", 1),
    ("kompozyty", "Композити світлової полімеризації", "plombuvalni-materialy", 1),
    ("skloionomerni-tsementy", "Склоіономерні цементи", "plombuvalni-materialy", 2),
    ("endodontiia", "Ендодонтія", "terapiia", 2),
    ("endodontychni-faily", "Ендодонтичні файли", "endodontiia", 1),
    ("hihiiena", "Гігієна та профілактика", None, 2),
    ("zubni-shchitky", "Зубні щітки", "hihiiena", 1),
    ("zubni-pasty", "Зубні пасти", "hihiiena", 2),
    ("instrumenty", "Інструменти", None, 3),
    ("bory", "Бори", "instrumenty", 1),
    ("almazni-bory", "Алмазні бори", "bory", 1),
    ("vytratni-materialy", "Витратні матеріали", None, 4),
    ("rukavychky", "Рукавички", "vytratni-materialy", 1),
]

MANUFACTURERS: list[tuple[str, str]] = [
    ("3m", "3M"),
    ("gc", "GC"),
    ("voco", "VOCO"),
    ("dentsply-sirona", "Dentsply Sirona"),
    ("latus", "Латус"),
    ("medplast", "Медпласт"),
]

COUNTRIES: list[tuple[str, str]] = [
    ("UA", "Україна"),
    ("PL", "Польща"),
    ("DE", "Німеччина"),
    ("US", "США"),
    ("JP", "Японія"),
    ("CH", "Швейцарія"),
]

TAGS: list[tuple[str, str]] = [
    ("novynka", "Новинка"),
    ("khit", "Хіт продажу"),
    ("aktsiia", "Акція"),
    ("profi", "Для професіоналів"),
]

SHADES = {"shade": ["A1", "A2", "A3", "A3.5", "B2"]}
SHADES_SHORT = {"shade": ["A2", "A3"]}
SIZES = {"size": ["S", "M", "L"]}
FILE_SIZES = {"size": ["15", "20", "25", "30"]}


@dataclass(frozen=True)
class DemoProduct:
    sku: str
    title: str
    category: str
    manufacturer: str
    country: str
    price: str
    unit: str = "шт"
    options: dict[str, list[str]] | None = None
    attributes: dict[str, str] | None = None
    tags: tuple[str, ...] = ()
    stock: int = 25
    is_active: bool = True


PRODUCTS: list[DemoProduct] = [
    DemoProduct("DEMO-001", "Композит Filtek Z250, шприц 4 г", "kompozyty", "3m", "US", "890.00", "шприц", SHADES, {"Вага": "4 г"}, ("khit",), 40),
    DemoProduct("DEMO-002", "Композит Filtek Ultimate, шприц 4 г", "kompozyty", "3m", "US", "1250.00", "шприц", SHADES, {"Вага": "4 г"}, ("profi",), 12),
    DemoProduct("DEMO-003", "Композит Essentia, шприц 2 мл", "kompozyty", "gc", "JP", "760.00", "шприц", SHADES_SHORT, {"Об'єм": "2 мл"}, ("novynka",), 18),
    DemoProduct("DEMO-004", "Композит G-ænial Universal Flo, 2 мл", "kompozyty", "gc", "JP", "980.50", "шприц", SHADES, {"Об'єм": "2 мл", "Тип": "текучий"}, (), 0),
    DemoProduct("DEMO-005", "Композит Grandio SO, шприц 4 г", "kompozyty", "voco", "DE", "1120.00", "шприц", SHADES, {"Вага": "4 г"}, ("profi",), 9),
    DemoProduct("DEMO-006", "Композит Admira Fusion, шприц 3 г", "kompozyty", "voco", "DE", "940.00", "шприц", SHADES_SHORT, {"Вага": "3 г"}, (), 14),
    DemoProduct("DEMO-007", "Композит Charisma Classic, шприц 4 г", "kompozyty", "dentsply-sirona", "DE", "645.00", "шприц", SHADES, {"Вага": "4 г"}, ("aktsiia",), 30),
    DemoProduct("DEMO-008", "Композит Латтус Нано, шприц 4 г", "kompozyty", "latus", "UA", "349.50", "шприц", SHADES, {"Вага": "4 г"}, ("novynka", "aktsiia"), 55),
    DemoProduct("DEMO-009", "Склоіономер Fuji IX GP, 15 г + 6,4 мл", "skloionomerni-tsementy", "gc", "JP", "1890.00", "набір", None, {"Порошок": "15 г", "Рідина": "6,4 мл"}, ("khit",), 7),
    DemoProduct("DEMO-010", "Склоіономер Ketac Molar, 12,5 г", "skloionomerni-tsementy", "3m", "US", "1540.00", "уп", None, {"Порошок": "12,5 г"}, (), 0),
    DemoProduct("DEMO-011", "Склоіономер Іономакс, 10 г", "skloionomerni-tsementy", "latus", "UA", "420.00", "уп", None, {"Порошок": "10 г"}, (), 22),
    DemoProduct("DEMO-012", "Склоіономер Ionofil Plus, 10 г", "skloionomerni-tsementy", "voco", "DE", "980.00", "уп", None, None, (), 5),
    DemoProduct("DEMO-013", "Файли ProTaper Gold, 25 мм, 6 шт", "endodontychni-faily", "dentsply-sirona", "CH", "2350.00", "уп", FILE_SIZES, {"Довжина": "25 мм", "Кількість": "6 шт"}, ("profi",), 11),
    DemoProduct("DEMO-014", "Файли K-File, 25 мм, 6 шт", "endodontychni-faily", "dentsply-sirona", "CH", "310.00", "уп", FILE_SIZES, {"Довжина": "25 мм"}, ("khit",), 60),
    DemoProduct("DEMO-015", "Файли H-File, 21 мм, 6 шт", "endodontychni-faily", "dentsply-sirona", "CH", "295.00", "уп", FILE_SIZES, {"Довжина": "21 мм"}, (), 0),
    DemoProduct("DEMO-016", "Паперові штифти, 200 шт", "endodontiia", "medplast", "UA", "95.00", "уп", FILE_SIZES, {"Кількість": "200 шт"}, (), 80),
    DemoProduct("DEMO-017", "Гутаперчеві штифти, 120 шт", "endodontiia", "medplast", "UA", "130.00", "уп", FILE_SIZES, {"Кількість": "120 шт"}, (), 45),
    DemoProduct("DEMO-018", "Гідроксид кальцію Calcicur, 2,5 г", "endodontiia", "voco", "DE", "410.00", "шприц", None, {"Вага": "2,5 г"}, (), 16),
    DemoProduct("DEMO-019", "Зубна щітка м'яка «Усмішка»", "zubni-shchitky", "medplast", "UA", "45.00", "шт", {"color": ["синій", "зелений", "рожевий"]}, None, ("aktsiia",), 200),
    DemoProduct("DEMO-020", "Зубна щітка середньої жорсткості Pro", "zubni-shchitky", "medplast", "PL", "62.00", "шт", None, None, (), 150),
    DemoProduct("DEMO-021", "Монопучкова щітка для брекетів", "zubni-shchitky", "medplast", "PL", "88.00", "шт", None, None, ("novynka",), 0),
    DemoProduct("DEMO-022", "Міжзубні йоржики, 6 шт", "zubni-shchitky", "medplast", "PL", "120.00", "уп", SIZES, {"Кількість": "6 шт"}, (), 70),
    DemoProduct("DEMO-023", "Зубна паста «Ромашка», 100 мл", "zubni-pasty", "latus", "UA", "58.00", "шт", None, {"Об'єм": "100 мл"}, ("khit",), 300),
    DemoProduct("DEMO-024", "Зубна паста з фтором «Сенситив», 75 мл", "zubni-pasty", "latus", "UA", "74.90", "шт", None, {"Об'єм": "75 мл"}, (), 120),
    DemoProduct("DEMO-025", "Ремінералізуючий гель Tooth Mousse, 40 г", "zubni-pasty", "gc", "JP", "690.00", "шт", {"flavor": ["полуниця", "м'ята", "ваніль"]}, {"Вага": "40 г"}, ("profi",), 20),
    DemoProduct("DEMO-026", "Фторлак Profluorid Varnish, 10 мл", "hihiiena", "voco", "DE", "1350.00", "фл", None, {"Об'єм": "10 мл"}, (), 6),
    DemoProduct("DEMO-027", "Профілактична паста Cleanic, 100 г", "hihiiena", "3m", "US", "520.00", "шт", None, {"Вага": "100 г"}, (), 0),
    DemoProduct("DEMO-028", "Алмазний бор циліндричний, 5 шт", "almazni-bory", "medplast", "DE", "260.00", "уп", {"grit": ["синій", "червоний", "жовтий"]}, {"Кількість": "5 шт"}, ("khit",), 90),
    DemoProduct("DEMO-029", "Алмазний бор кулястий, 5 шт", "almazni-bory", "medplast", "DE", "260.00", "уп", {"grit": ["синій", "червоний"]}, {"Кількість": "5 шт"}, (), 75),
    DemoProduct("DEMO-030", "Алмазний бор полум'яподібний, 5 шт", "almazni-bory", "medplast", "DE", "275.00", "уп", None, {"Кількість": "5 шт"}, (), 0),
    DemoProduct("DEMO-031", "Твердосплавний бор, 5 шт", "bory", "dentsply-sirona", "CH", "540.00", "уп", None, {"Кількість": "5 шт"}, (), 33),
    DemoProduct("DEMO-032", "Полірувальні головки, 12 шт", "bory", "3m", "US", "720.00", "уп", None, {"Кількість": "12 шт"}, ("novynka",), 19),
    DemoProduct("DEMO-033", "Дзеркало стоматологічне №4", "instrumenty", "medplast", "PL", "85.00", "шт", None, None, (), 140),
    DemoProduct("DEMO-034", "Зонд стоматологічний двосторонній", "instrumenty", "medplast", "PL", "110.00", "шт", None, None, (), 95),
    DemoProduct("DEMO-035", "Гладилка-штопфер", "instrumenty", "medplast", "PL", "135.00", "шт", None, None, (), 0),
    DemoProduct("DEMO-036", "Рукавички нітрилові, 100 шт", "rukavychky", "medplast", "PL", "280.00", "уп", SIZES, {"Кількість": "100 шт"}, ("khit", "aktsiia"), 500),
    DemoProduct("DEMO-037", "Рукавички латексні опудрені, 100 шт", "rukavychky", "medplast", "PL", "230.00", "уп", SIZES, {"Кількість": "100 шт"}, (), 400),
    DemoProduct("DEMO-038", "Ватні валики №2, 1000 шт", "vytratni-materialy", "medplast", "UA", "99.00", "уп", None, {"Кількість": "1000 шт"}, (), 250),
    DemoProduct("DEMO-039", "Слиновідсмоктувачі, 100 шт", "vytratni-materialy", "medplast", "UA", "115.00", "уп", None, {"Кількість": "100 шт"}, (), 180),
    DemoProduct("DEMO-040", "Серветки нагрудні, 500 шт", "vytratni-materialy", "medplast", "UA", "380.00", "уп", None, {"Кількість": "500 шт"}, (), 60),
    DemoProduct("DEMO-041", "Композит Латтус Класик (знято з виробництва)", "kompozyty", "latus", "UA", "299.00", "шприц", SHADES_SHORT, None, (), 0, is_active=False),
    DemoProduct("DEMO-042", "Амальгама Septalloy NG 50 (знято з продажу)", "plombuvalni-materialy", "dentsply-sirona", "CH", "1650.00", "уп", None, None, (), 0, is_active=False),
]  # fmt: skip


@dataclass(frozen=True)
class DemoDiscount:
    name: str
    type: str
    value: str
    priority: int
    categories: tuple[str, ...] = ()
    manufacturers: tuple[str, ...] = ()
    products: tuple[str, ...] = ()


DISCOUNTS: list[DemoDiscount] = [
    DemoDiscount("Знижка 10% на композити", DiscountType.PERCENT, "10", 10, categories=("kompozyty",)),
    DemoDiscount("Мінус 100 грн на ProTaper Gold", DiscountType.FIXED, "100", 20, products=("DEMO-013",)),
    DemoDiscount("Тиждень GC: −5%", DiscountType.PERCENT, "5", 30, manufacturers=("gc",)),
]


@dataclass(frozen=True)
class DemoSeedResult:
    categories: int
    manufacturers: int
    countries: int
    tags: int
    products: int
    discounts: int
    stock_set: bool


_UK_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
    "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "'": "", "’": "", "æ": "ae",
}  # fmt: skip


def slug_from_title(title: str) -> str:
    """An ASCII slug by the Ukrainian national transliteration: «Зубна паста» → zubna-pasta."""
    letters = "".join(_UK_TRANSLIT.get(char, char) for char in title.lower())
    words = "".join(char if char.isascii() and char.isalnum() else " " for char in letters).split()
    return "-".join(words)


def demo_catalog_seed() -> DemoSeedResult:
    """Upsert the demo shop; prices are refreshed and stock set (when inventory offers it)."""
    with transaction.atomic():
        categories = _categories_upsert()
        manufacturers = {
            slug: Manufacturer.objects.update_or_create(
                slug=slug, defaults={"name": name, "is_active": True}
            )[0]
            for slug, name in MANUFACTURERS
        }
        countries = {
            code: Country.objects.update_or_create(code=code, defaults={"name": name, "is_active": True})[0]
            for code, name in COUNTRIES
        }
        tags = {
            slug: Tag.objects.update_or_create(slug=slug, defaults={"name": name})[0] for slug, name in TAGS
        }
        products = {
            item.sku: _product_upsert(item, categories, manufacturers, countries, tags) for item in PRODUCTS
        }
        for item in DISCOUNTS:
            discount, _ = Discount.objects.update_or_create(
                name=item.name,
                defaults={
                    "type": item.type,
                    "value": Decimal(item.value),
                    "priority": item.priority,
                    "is_active": True,
                    "starts_at": None,
                    "ends_at": None,
                },
            )
            discount.categories.set([categories[slug] for slug in item.categories])
            discount.manufacturers.set([manufacturers[slug] for slug in item.manufacturers])
            discount.products.set([products[sku] for sku in item.products])
    product_prices_refresh()
    stock_set = _stock_set_demo(products)
    return DemoSeedResult(
        categories=len(categories),
        manufacturers=len(manufacturers),
        countries=len(countries),
        tags=len(tags),
        products=len(products),
        discounts=len(DISCOUNTS),
        stock_set=stock_set,
    )


def _categories_upsert() -> dict[str, Category]:
    categories: dict[str, Category] = {}
    # Parents come first in CATEGORIES, so each parent exists (with its path) before its children.
    for slug, name, parent_slug, position in CATEGORIES:
        category = Category.objects.filter(slug=slug).first() or Category(slug=slug)
        category.name = name
        category.parent = categories[parent_slug] if parent_slug else None
        category.position = position
        category.is_active = True
        category.save()
        categories[slug] = category
    return categories


def _product_upsert(
    item: DemoProduct,
    categories: dict[str, Category],
    manufacturers: dict[str, Manufacturer],
    countries: dict[str, Country],
    tags: dict[str, Tag],
) -> Product:
    slug = slug_from_title(item.title)
    product, _ = Product.objects.update_or_create(
        sku=item.sku,
        defaults={
            "slug": slug,
            "title": item.title,
            "description": f"{item.title}. Демонстраційний товар магазину стоматологічних матеріалів.",
            "price": Decimal(item.price),
            "currency": "UAH",
            "category": categories[item.category],
            "manufacturer": manufacturers[item.manufacturer],
            "country": countries[item.country],
            "options": item.options or {},
            "unit": item.unit,
            "attributes": item.attributes or {},
            "images": [f"https://placehold.co/600x600/png?text={item.sku}"],
            "is_active": item.is_active,
        },
    )
    product.tags.set([tags[slug] for slug in item.tags])
    return product


def _stock_set_demo(products: dict[str, Product]) -> bool:
    """Stock belongs to the inventory app: use its `stock_set` service when it has one."""
    try:
        inventory_services: Any = importlib.import_module("inventory.services")
    except ImportError:
        return False
    stock_set = getattr(inventory_services, "stock_set", None)
    if stock_set is None:
        return False
    for item in PRODUCTS:
        try:
            stock_set(product_id=products[item.sku].pk, on_hand=item.stock)
        except DomainError:
            # More units are reserved by live orders than the demo count: keep the real stock.
            continue
    return True


# --- the large catalog for load tests ------------------------------------------------------------

BULK_SKU_PREFIX = "BULK-"
BULK_SEED = 20260219
BULK_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)

_BULK_NOUNS = [
    "Композит",
    "Склоіономер",
    "Бонд",
    "Адгезив",
    "Файл",
    "Бор",
    "Паста",
    "Гель",
    "Щітка",
    "Рукавички",
    "Серветки",
    "Штифти",
    "Цемент",
    "Лак",
    "Герметик",
    "Відбитковий матеріал",
]
_BULK_ADJECTIVES = [
    "універсальний",
    "текучий",
    "нанонаповнений",
    "професійний",
    "дитячий",
    "швидкий",
    "рентгеноконтрастний",
    "світлотвердіючий",
    "хімічного затвердіння",
    "естетичний",
]
_BULK_UNITS = ["шт", "уп", "шприц", "набір", "фл"]  # fmt: skip


def demo_products_bulk_seed(
    *, count: int, batch_size: int = 5000, progress: ProgressCallback | None = None
) -> int:
    """Add products `BULK-000001`…`BULK-<count>` that are not there yet; return how many were added.

    Deterministic: product i draws the i-th values of one seeded generator whether or not it
    is inserted, so a second run (or a larger `count`) never changes what exists. Needs the
    demo shop (categories, manufacturers, countries, tags) in place.
    """
    leaf_categories = list(
        Category.objects.filter(is_active=True, children__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)
    )
    manufacturer_ids = list(Manufacturer.objects.order_by("id").values_list("id", flat=True))
    country_ids = list(Country.objects.order_by("id").values_list("id", flat=True))
    tag_ids = list(Tag.objects.order_by("id").values_list("id", flat=True))
    if not (leaf_categories and manufacturer_ids and country_ids):
        raise ValueError(
            "Seed the demo catalog first: bulk products need categories, manufacturers, countries."
        )
    existing = set(Product.objects.filter(sku__startswith=BULK_SKU_PREFIX).values_list("sku", flat=True))
    rng = random.Random(BULK_SEED)  # noqa: S311 - demo data, not security
    created = 0
    batch: list[Product] = []
    batch_tags: list[list[int]] = []

    def flush() -> None:
        nonlocal created
        with transaction.atomic():
            Product.objects.bulk_create(batch, batch_size=batch_size)
            links = [
                Product.tags.through(product_id=product.pk, tag_id=tag_id)
                for product, tags in zip(batch, batch_tags, strict=True)
                for tag_id in tags
            ]
            Product.tags.through.objects.bulk_create(links, batch_size=batch_size)
        created += len(batch)
        batch.clear()
        batch_tags.clear()

    for index in range(1, count + 1):
        product, tags = _bulk_product(index, rng, leaf_categories, manufacturer_ids, country_ids, tag_ids)
        if product.sku not in existing:
            batch.append(product)
            batch_tags.append(tags)
            if len(batch) >= batch_size:
                flush()
        if progress and (index % batch_size == 0 or index == count):
            progress(index, count)
    if batch:
        flush()
    if created:
        product_prices_refresh()
    if created:
        listing_changed()  # bulk inserts send no signals
    return created


def _bulk_product(
    index: int,
    rng: random.Random,
    categories: list[int],
    manufacturers: list[int],
    countries: list[int],
    tags: list[int],
) -> tuple[Product, list[int]]:
    noun = rng.choice(_BULK_NOUNS)
    adjective = rng.choice(_BULK_ADJECTIVES)
    price = Decimal(rng.randint(1500, 500000)) / 100
    has_shades = rng.random() < 0.2
    tag_pick = rng.choice(tags) if tags and rng.random() < 0.35 else None
    sku = f"{BULK_SKU_PREFIX}{index:06d}"
    product = Product(
        sku=sku,
        slug=sku.lower(),
        title=f"{noun} {adjective} №{index}",
        description=f"{noun} {adjective}. Товар для навантажувального тестування каталогу.",
        price=price,
        final_price=price,
        currency="UAH",
        category_id=rng.choice(categories),
        manufacturer_id=rng.choice(manufacturers),
        country_id=rng.choice(countries),
        options=SHADES if has_shades else {},
        unit=rng.choice(_BULK_UNITS),
        attributes={"Партія": f"{rng.randint(1, 999):03d}"},
        images=[],
        is_active=rng.random() >= 0.02,
        created_at=BULK_EPOCH + timedelta(minutes=index),
    )
    return product, [tag_pick] if tag_pick else []
