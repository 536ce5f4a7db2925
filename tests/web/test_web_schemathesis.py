"""Property-based tests of the API's GET operations from its own OpenAPI schema: no input
makes the server fail (5xx)."""
from __future__ import annotations

import sys
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from eventwatch.store import open_store
from eventwatch.web.app import create_app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "store"))
from store_samples import all_docs  # noqa: E402


def _app():
    import tempfile

    db = str(Path(tempfile.mkdtemp(prefix="eventwatch-web-")) / "events.db")
    with open_store(db) as st:
        st.save_batch(st.begin_run(["samples"]), all_docs())
    return create_app(db)


schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@schema.include(method="GET").parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_get_operations_never_fail(case):
    case.call_and_validate(checks=[not_a_server_error])
