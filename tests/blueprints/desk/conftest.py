import pytest


@pytest.fixture(autouse=True)
def _english(client):
    """Assertions below read English messages; the default locale is zh_Hans."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
