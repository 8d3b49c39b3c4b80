"""Benchmarks (they print figures; timing targets live here, never in the tests)."""
