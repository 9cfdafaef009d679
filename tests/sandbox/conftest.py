import pytest
import requests

from sandbox.platform import Platform
from sandbox.server import serving


@pytest.fixture
def sandbox():
    with serving(Platform(seed=11)) as server:
        yield server


@pytest.fixture
def api(sandbox):
    """A plain HTTP session on the sandbox, as any client of it would use."""

    class Api(requests.Session):
        def request(self, method, path, *args, **kwargs):
            return super().request(method, sandbox.url + path.lstrip("/"), *args, **kwargs)

    with Api() as session:
        yield session
