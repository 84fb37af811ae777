"""Files attached to a work package or a case: checked by content, stored beside their row."""
