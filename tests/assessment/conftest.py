import pytest
from django.conf import settings


@pytest.fixture
def english(client):
    """The test client has chosen English with the language switcher."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
