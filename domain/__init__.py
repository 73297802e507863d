"""Case workflow: plain functions named after what staff and citizens do.

Functions take model objects and plain values (never a form or the request), add and flush, and
leave the commit to the caller. Failures are exceptions from domain.errors.
"""
