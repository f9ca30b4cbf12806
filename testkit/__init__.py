"""Helpers the tests and the benchmarks share: servers started for real, and readable factories."""
