"""Workbench: people."""
