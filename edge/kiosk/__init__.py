"""The self-check kiosk: its session machine (`edge.kiosk.session`, its requests `edge.kiosk.outstanding`),
what its answers mean (`edge.kiosk.answers`, `edge.kiosk.visit`), its RFID pad (`edge.kiosk.pad`), its agent
(`edge.kiosk.agent` with `edge.kiosk.shown`, `sign_in_steps`, `book_steps` and `offline_steps`,
composed in `edge.kiosk.compose`), its touch screen (`edge.kiosk.screen`) and its receipt
(`edge.kiosk.receipt`). The touch screen and the simulated patrons (`edge.sim`) drive the same
`KioskSession`."""
