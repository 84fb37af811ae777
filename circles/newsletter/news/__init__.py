"""News items members send in for the newsletter, and the editors who approve or decline them."""
