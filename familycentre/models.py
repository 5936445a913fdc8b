"""Family centres, networks, agreements and activities: built by the family-centre issue."""
