"""The seam other apps hook into without inventory importing them.

`reservation_expired` is sent inside the transaction that expires a reservation, after its
stock is released, with `reservation=` (an `inventory.Reservation`, status `expired`; its
`order_id` may be None). The orders app connects to it and cancels the order
(`reservation_expired` reason) in that same transaction, so the stock release and the
cancellation commit together or not at all: a receiver that raises rolls the expiry back.

Receivers run while the service holds row locks on the order (if any), the reservation and
its stock rows; they may lock the order again (a no-op) but must not lock other orders'
rows or call anything slow (use `transaction.on_commit` for messages).
"""

from django.dispatch import Signal

# kwargs: reservation (inventory.models.Reservation)
reservation_expired = Signal()
