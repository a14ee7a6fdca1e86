"""The seam other apps hook into without accounts importing them.

`customer_identified` is sent inside the transaction that registers a customer or logs
one in with a browser's clientId; orders attaches that browser's guest orders to them.
"""

from django.dispatch import Signal

# kwargs: user (accounts.User), client_id (str | None)
customer_identified = Signal()
