"""Settings for the real worker in test_worker.py: the project's, with a short send lease.

A worker killed mid-send leaves its lease behind; a 4-second lease lets the test watch it
expire instead of waiting the production two minutes.
"""

from config.settings import *  # noqa: F403

NOTIFICATION_SEND_LEASE_SECONDS = 4
