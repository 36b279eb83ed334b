"""Barcodes in: pictures decoded with zbar, serial scanners framed and driven, scanned values classified.

- `devices.barcode.image.decode_image(data)`: what a PNG/JPEG holds (`ImageScanResult`).
- `devices.barcode.framing.ScannerFramer`: a scanner's bytes to scans or classified rejects (pure).
- `devices.barcode.scanner.ScannerDriver`: reads a byte transport, yields `Scan` values, survives unplugging.
- `devices.barcode.profiles`: scanner configurations from `config/scanners.toml`.
- `devices.barcode.classify.classify(value)`: item barcode, patron card, ISBN or unknown.
- `devices.barcode.symbology.Symbology`: the one naming of symbologies everything else uses.
"""
