"""Reference data: sectors, provinces, the 35 labour-market regions and the 342 municipalities."""
