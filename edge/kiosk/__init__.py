"""The self-check kiosk: its session machine (`edge.kiosk.session`), what its answers mean
(`edge.kiosk.answers`) and its RFID pad (`edge.kiosk.pad`). A touch screen and the simulated patrons
(`edge.sim`) drive the same `KioskSession`."""
