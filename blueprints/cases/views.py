from blueprints.cases import bp  # noqa: F401
