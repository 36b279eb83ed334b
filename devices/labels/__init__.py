"""Barcodes out: printable PDF label sheets (item labels, patron cards) drawn as vectors with reportlab.

- `devices.labels.sheet.render_item_labels(labels, layout)` and `render_patron_cards(cards, layout)`.
- `devices.labels.layout`: sheet layouts (the A4 3×8 preset and any grid from TOML).
- `devices.labels.sources`: numbered sequences and CSV input.
"""
