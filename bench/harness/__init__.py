"""Plumbing shared by the floors and the scenarios: infra, processes, load, metrics."""
