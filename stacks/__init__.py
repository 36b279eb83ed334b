"""Operations around the Stacks system: the `stacks` command line, the local broker, the demo and benchmarks.

This package composes the others (server, edge, devices); they never import it.
"""
