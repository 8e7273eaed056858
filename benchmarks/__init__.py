"""Benchmarks and soak tests for Trouble Mapper (run as python -m benchmarks.<name>)."""
