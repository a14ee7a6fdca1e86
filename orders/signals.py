"""Seams for apps that react to order moves without orders importing them.

`order_status_changed` is sent inside the transaction of every move, after the order row
is saved, with `order=`, `from_status=`, `to_status=`. Receivers must not do anything slow
inline: register `transaction.on_commit` for gateway calls (payments refunds a cancelled
paid order this way).
"""

from django.dispatch import Signal

# kwargs: order (orders.models.Order), from_status (str), to_status (str)
order_status_changed = Signal()
