"""What grants tell the rest of the portal, without knowing who listens."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that records or changes a decision, with ``decision``: whoever keeps
# figures on grants (the funding ledger) updates them in the same transaction.
decision_recorded = Signal()
