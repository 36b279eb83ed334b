"""Test support: real servers (PostgreSQL, mosquitto) started for the suite, factories, helpers."""
