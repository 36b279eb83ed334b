"""The staff tagging station: a reader pad writing items' tags for the RFID conversion (docs/tagging.md)."""
