"""The desk under FastAPI's test client: a fresh desk per test module with a temporary cases folder."""
from __future__ import annotations

import re
import time
import warnings

import pytest

with warnings.catch_warnings():  # starlette's note that a later client replaces httpx; the client works
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from finmodel.desk.app import DeskConfig, create_app

EAAS = "examples/rooftop_pv_eaas.yaml"


class Desk:
    """A test client that knows the session's CSRF token and waits for runs."""

    def __init__(self, client: TestClient):
        self.client = client
        page = client.get("/cases")
        self.token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def get(self, url, **kw):
        return self.client.get(url, **kw)

    def post(self, url, data=None, **kw):
        headers = {"X-CSRF-Token": self.token, **kw.pop("headers", {})}
        return self.client.post(url, data=data, headers=headers, **kw)

    def wait(self, response, timeout: float = 60.0):
        """Poll a started run until its result page replaces the progress page."""
        m = re.search(r'hx-get="/jobs/([^"]+)"', response.text)
        assert m, response.text[:500]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r = self.client.get(f"/jobs/{m.group(1)}")
            if 'hx-get="/jobs/' not in r.text:
                return r
            time.sleep(0.05)
        raise AssertionError("run did not finish")


def values(html: str, metric: str, level: str | None = None) -> list[float | None]:
    """The raw numbers the page shows for ``metric`` (its data-value attributes)."""
    lvl = f' data-level="{level}"' if level else ""
    return [float(v) if v else None for v in re.findall(rf'data-metric="{re.escape(metric)}"{lvl} data-value="([^"]*)"', html)]


def make(tmp_path, **config) -> Desk:
    app = create_app(DeskConfig(cases_dir=tmp_path / "cases", extra_hosts={"testserver"}, **config))
    return Desk(TestClient(app))


@pytest.fixture
def desk(tmp_path) -> Desk:
    return make(tmp_path)
