"""report: one record form (findings frame, plan) feeds every output format."""
