from app import create_app
from config import DevelopmentConfig


def test_only_limited_routes_are_limited(world):
    """Regression: a setting named like Flask-Limiter's own (RATELIMIT_APPLICATION) once
    limited every route of the app to 10 requests an hour."""

    class Dev(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    app = create_app(Dev)
    client = app.test_client()
    assert [client.get("/").status_code for _ in range(30)] == [200] * 30
