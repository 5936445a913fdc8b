"""Grant calls, applications and the funding ledger: built by the grants issue."""
