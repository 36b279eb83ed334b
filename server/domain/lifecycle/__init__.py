"""An item's life outside circulation: missing → lost, lost from a loan, damage and repair.

- `settings` — the timers of the missing → lost schedule and the replacement charge, as values
- `trace` — where an item is known to be (present, missing, lost) and the pure transitions: marked missing,
  declared lost from a loan, searched, kept on the lost list, seen again
- `advance` — the timed steps (searches, lost, withdrawal proposal) that fall due by a given time,
  stamped with when each fell due, so a nightly job and the server meeting an item agree
- `lists` — the search list for staff and the find list for handhelds
- `charges` — what a reader pays for an item lost from a loan
- `condition` — damage kinds, the repair queue and the condition history

docs/collection.md describes the model, every timer and rule, and where they come from.
"""
