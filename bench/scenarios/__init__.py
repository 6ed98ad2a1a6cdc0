"""Scenario drivers of issue 7, written against DESIGN.md's routes."""
