"""Circulation services: what the MQTT ingest and the REST API call, on a session the caller owns.

Transactions: a service never commits. The caller opens one `sqlmodel.Session`, calls one or more services,
and commits once — an API route per request, the ingest per batch of messages (so a whole batch is one
transaction). Services `flush()` when they need generated ids, take row locks on PostgreSQL where two
devices could race (the item, the patron), and raise `server.errors` types for requests that cannot be
carried out. Circulation refusals are not errors: they are outcomes with a reason code.

Modules:
- `context` — policies, settings and the PIN hasher the services use (`build(settings)` at start-up; the
  caller passes it to every service that needs it)
- `reasons` — the one table from the domain's reasons to the contract's reason codes
- `kiosk` — login, logout, checkout, renew, checkin from a self-check kiosk (MQTT)
- `desk` — checkout, renew, checkin at the staff desk (REST)
- `sightings` — bulk item sightings from readers, and the sightings list
- `gate_alarms`, `gate_footfall` — the security gates' alarms (resolved to the item, classified) and
  footfall, as the ingest applies them
- `alarm_desk`, `tag_checks`, `gate_reports` — the alarm desk (alarms, live, resolving), the tag-check
  queue, and the gates' reports (JSON rows and CSV)
- `audit`, `devices` — the event log, dead letters and devices as staff read them
- `listing` — page sizes, keyset pages and text matching shared by every list
- `catalog`, `patrons`, `holds`, `fines`, `loans` — lookups and staff actions for the REST API and the console
- `outcomes` — the frozen results, one per contract reply
- `event_log` — staff actions at the desk in the event log, applied once per idempotency key
- `staff`, `passwords` — staff accounts and their password hashes (API, `stacks staff`, console)
- `permissions` — the one table of who may do what, checked by the API's and the console's routes
- `login_throttle` — staff sign-in, slowed and then locked after repeated failures (API and console)
- `staff_sessions` — console sessions kept on the server side
- `staff_actions`, `staff_audit` — every staff write applied once and recorded with its before and after;
  the audit trail as administrators read it
- `dashboard`, `live_feed` — the console dashboard's figures; what changed since the live feed last looked
"""
