"""What grants tell the rest of the portal, without knowing who listens."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that records or changes a decision, with ``decision``: whoever keeps
# figures on grants (the funding ledger) updates them in the same transaction.
decision_recorded = Signal()

# Sent inside the transaction that settles an accepted report's unused money (a return recorded
# or waived), with ``funds_return``: the funding ledger keeps the amount the organisation keeps.
funds_settled = Signal()
