"""Benchmarks: scripts that measure, not tests that pass or fail. Loopback only, bounded in count and time."""
