"""Weeding (thanh lọc) and the figures of the annual plan, as pure functions of evidence values.

- `settings` — the rules per classification range (CREW X/Y by Dewey prefix, most specific wins), floors,
  protected collections, round rules and plan settings, as values
- `evidence` — what weeding reads per copy and record, and what it answers (candidates, spared copies,
  reasons with their facts)
- `rules` — one copy on its own evidence: age, disuse, beyond repair, missing or lost; protected collections
- `copies` — copies together: surplus copies, superseded editions, textbook and reference floors
- `candidates` — the streaming candidate function, whole multi-volume sets only
- `rounds` — a round's states, reviewers' decisions with versions, the 10 % cap, the next round due
- `figures` — holdings, acquisitions, withdrawals, turnover, age profile, never-used share, loss rates
- `suggestions` — buying suggestions from hold queues and class turnover

docs/collection.md describes every rule and protection and where they come from.
"""
