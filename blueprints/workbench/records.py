"""Workbench: records."""
