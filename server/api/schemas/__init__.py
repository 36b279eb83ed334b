"""Request and response models of the REST API: plain pydantic, never table models, so a response holds
exactly the fields listed here (no PIN hash, no password hash, nothing added to a table later)."""
