"""Benchmarks on DocPrompting's datasets: retrieval (this package) and generation."""
