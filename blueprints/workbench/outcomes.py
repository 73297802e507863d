"""Workbench: outcomes."""
