"""Developer tools: the benchmark harness and the synthetic district generator (not installed)."""
