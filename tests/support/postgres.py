"""The suite's throwaway PostgreSQL cluster (stacks/postgres_cluster.py, shared with the benchmarks)."""

from stacks.postgres_cluster import PostgresCluster, PostgresUnavailableError

__all__ = ["PostgresCluster", "PostgresUnavailableError"]
