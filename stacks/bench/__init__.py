"""Benchmarks that print JSON figures, each with a baseline measured in the same run."""
