"""One blueprint per face (public, desk, workbench, oversight, admin) plus auth and the shared
staff case page (cases). Shared view helpers live beside them: htmx.py, guards.py,
template_helpers.py, pagination.py."""
