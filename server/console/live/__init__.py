"""Live updates of console pages: the per-process feed (`hub`) and the Server-Sent Events a page listens
to (`stream`). docs/console.md describes the design."""
