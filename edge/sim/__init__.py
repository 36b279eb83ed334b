"""Simulation: patrons who use a self-check kiosk through the same `KioskSession` a touch screen drives,
the library they believe in (`world`, from the seed manifest), and the books' simulated RFID tags; people
walking through a security gate with their books (`gate_stream`, `gate_walkers`, `gate_agent`).

Nothing outside this package (and the command line, benchmarks and tests) uses it: production code never
holds simulated objects.
"""
