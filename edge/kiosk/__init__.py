"""The self-check kiosk: its session machine (`edge.kiosk.session`), what its answers mean
(`edge.kiosk.answers`, `edge.kiosk.visit`), its RFID pad (`edge.kiosk.pad`), its agent (`edge.kiosk.agent`,
composed in `edge.kiosk.compose`), its touch screen (`edge.kiosk.screen`) and its receipt
(`edge.kiosk.receipt`). The touch screen and the simulated patrons (`edge.sim`) drive the same
`KioskSession`."""
