"""The library's rules as pure functions of values: no database, no network, no files.

- `enums` — item, hold and fine statuses, block kinds
- `entities` — frozen records of the catalogue, patrons and circulation
- `callnumbers` — call-number sort keys and shelf spans
- `calendar` — opening days, due dates at the end of the library day
- `policies` — circulation rules per patron category × item type, most specific wins
- `fines` — overdue days and fines in đồng
- `pins` — PIN attempts and lock-out
- `circulation` — checkout, renew and checkin decisions
- `holds` — which hold a returned item fills, pickup deadlines
- `items` — status changes staff may make by hand
- `sessions` — kiosk sessions bound to a device, idle expiry; matching barcode and tag of one item
- `throttle` — how long sign-in attempts wait after a run of failures
- `stocktake` — stock-take sessions, scopes, reconciliation by event order, shelf order, closing plans
- `lifecycle/` — missing → lost as a stamped schedule, reader losses and their charge, damage and repair
- `weeding/` — weeding candidates and protections, weeding rounds, the annual plan's figures and buying
  suggestions (docs/collection.md)
"""
