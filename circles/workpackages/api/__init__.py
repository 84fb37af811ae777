"""The public JSON API and the Atom feed of work packages, for partner websites."""
