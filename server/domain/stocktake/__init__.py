"""Stock-take (kiểm kê) as pure rules: values in, decisions out; docs/stocktake.md describes them.

- `session` — draft → open ⇄ paused → closed; refusals as values; may a scope open beside others
- `scope` — what a session counts (location subtrees, call-number ranges, item types, expected statuses),
  the location tree, the expected list frozen at opening, the shelves to sweep
- `overlap` — whether two scopes could count the same item, and where
- `facts` — the inputs: items, shelves, sweeps, the read log (columnar), status changes, damage marks
- `tags` — what a read tag is: a known item, a tag to repair, a disagreement, an unknown tag
- `inference` — which shelf a handheld is on: label, choice, or inferred from its reads
- `order_keys` — shelf-order keys per location, configured as data
- `shelf_order` — the fewest books to move (longest ordered subsequence), with reading jitter smoothed
- `timeline` — an item's status at any moment of the session
- `sightings` — one pass over the reads
- `classify` — the rules for one item, by the order of events
- `reconcile` — the whole session: classes, issues, shelf orders, coverage
- `results` — classes, issues, evidence
- `plan` — the closing actions and their undoing
- `report` — figures by location, item type and class; correction and find lists
- `walk` — the walk through the stacks every list follows: locations in tree order, items by their order
- `settings` — the tunable rules
"""
