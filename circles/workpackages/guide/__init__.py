"""The guide to the instruments (loonkostensubsidie, no-riskpolis, ...) that work packages name."""
