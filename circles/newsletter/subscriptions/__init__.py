"""Signing up, confirming, preferences and unsubscribing: double opt-in with a consent log."""
