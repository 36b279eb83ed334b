"""Device layer: drivers, framing, tag data, barcodes, labels and the simulators that speak the same bytes."""
