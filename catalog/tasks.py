from celery import shared_task

from catalog.services import product_prices_refresh


@shared_task(ignore_result=True)
def refresh_prices() -> int:
    """Beat, every minute: discount windows open and close with the clock, not with an edit."""
    return product_prices_refresh()
