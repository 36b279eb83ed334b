"""Agents composed from the edge runtime: for now the simulated self-check kiosk."""
