from django.utils.translation import gettext_lazy as _

from config.errors import NotFound


class ProductNotFound(NotFound):
    default_message = _("Product not found")
