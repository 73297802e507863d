"""Workbench: closing."""
