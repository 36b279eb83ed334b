"""The handheld stock-take agent: a wand (FEIG reader in continuous inventory) and a barcode scanner for
shelf labels and untagged books, its reads deduplicated per shelf visit and sent as `stocktake.reads`
batches through the same runtime as the kiosk and the gate (docs/stocktake.md, "The handheld")."""
