"""The package index client against a local index over HTTP: pages, verdicts, cache, faults."""

from __future__ import annotations

import json

import httpx
import pytest
from packaging.utils import canonicalize_name
from packaging.version import Version

from app.package_index import (
    Budget,
    BudgetSpent,
    IndexCache,
    IndexUnavailable,
    PackageIndex,
    Support,
    parse_html,
    parse_json,
    releases_installing,
    support,
)
from tests.fakes.index import PROJECTS, FakeIndex, Release, fake_index, html_page, json_page

__all__ = ["fake_index"]  # the fixture


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def project(name):
    return parse_json(canonicalize_name(name), json_page(name, PROJECTS[name], 1))


def releases(name, python):
    return [str(v) for v in releases_installing(project(name), python)]


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def index(fake_index, tmp_path, clock):
    with PackageIndex(fake_index.url, IndexCache(tmp_path / "cache", clock=clock)) as client:
        yield client


# --- pages --------------------------------------------------------------------------------


def test_reads_every_file_of_a_pep691_page():
    page = project("tomli")
    assert {str(v): [d.filename for d in files] for v, files in page.releases.items()} == {
        "1.2.3": ["tomli-1.2.3-py3-none-any.whl", "tomli-1.2.3.tar.gz"],
        "2.0.1": ["tomli-2.0.1-py3-none-any.whl", "tomli-2.0.1.tar.gz"],
        "2.2.1": ["tomli-2.2.1-py3-none-any.whl", "tomli-2.2.1.tar.gz"],
    }


def test_html_page_reads_as_the_json_page():
    name = canonicalize_name("lxml")
    assert parse_html(name, html_page("lxml", PROJECTS["lxml"])) == project("lxml")


def test_files_pip_would_not_install_are_left_out():
    names = ("x-1.0-py2.7.egg", "x-1.0.win32.exe", "y-1.0.tar.gz", "x-1.0.tar.gz")
    files = [{"filename": name, "yanked": False} for name in names]
    page = json.dumps({"meta": {"api-version": "1.0"}, "name": "x", "files": files})
    assert [d.filename for d in parse_json(canonicalize_name("x"), page).files] == ["x-1.0.tar.gz"]


@pytest.mark.parametrize(
    "page",
    (
        pytest.param("[]", id="not-an-object"),
        pytest.param('{"meta": {"api-version": "2.0"}, "files": []}', id="api-version-2"),
        pytest.param("{", id="not-json"),
    ),
)
def test_a_page_that_is_not_pep691_raises(page):
    with pytest.raises(ValueError):
        parse_json(canonicalize_name("x"), page)


# --- verdicts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "version", "python", "expected"),
    (
        pytest.param("numpy", "1.21.6", "3.10.19", Support.WHEEL, id="cp310-wheel"),
        pytest.param("numpy", "1.21.6", "3.11.14", Support.EXCLUDED, id="requires-python-lt-3.11"),
        pytest.param("numpy", "1.23.1", "3.11.14", Support.NO_WHEEL, id="sdist-would-compile"),
        pytest.param("numpy", "1.23.2", "3.11.14", Support.WHEEL, id="first-cp311-wheels"),
        pytest.param("numpy", "1.26.0", "3.13.9", Support.EXCLUDED, id="requires-python-lt-3.13"),
        pytest.param("pandas", "1.3.5", "3.11.14", Support.NO_WHEEL, id="pandas-no-cp311"),
        pytest.param("cryptography", "41.0.7", "3.14.0", Support.WHEEL, id="abi3-from-cp37"),
        pytest.param("tomli", "2.0.1", "3.14.0", Support.WHEEL, id="pure-wheel"),
        pytest.param("docopt", "0.6.2", "3.11.14", Support.SOURCE, id="sdist-only"),
        pytest.param("oldlib", "1.0.0", "3.11.14", Support.NO_WHEEL, id="wheels-no-sdist"),
        pytest.param("numpy", "2.3.4", "3.10.19", Support.EXCLUDED, id="too-new"),
    ),
)
def test_support(name, version, python, expected):
    assert support(project(name).releases[Version(version)], python) is expected


def test_a_cp311_wheel_that_requires_python_excludes_is_excluded():
    page = json_page("x", [Release("1.0", ("cp311-cp311-win_amd64",), None, "<3.11")], 1)
    files = parse_json(canonicalize_name("x"), page).files
    assert support(files, "3.11.14") is Support.EXCLUDED


def test_a_free_threaded_wheel_is_not_a_wheel_for_cpython():
    page = json_page("x", [Release("1.0", ("cp313-cp313t-win_amd64",), None, None)], 1)
    files = parse_json(canonicalize_name("x"), page).files
    assert support(files, "3.13.9") is Support.NO_WHEEL


def test_yanked_releases_are_never_installing_candidates():
    assert releases("lxml", "3.11.14") == ["4.9.3"]


def test_releases_installing_on_the_new_minimum():
    assert releases("pandas", "3.11.14") == ["1.5.0", "1.5.3", "2.0.3", "2.1.4", "2.2.3", "2.3.3"]


# --- the client over HTTP -----------------------------------------------------------------


def test_asks_for_json_and_reads_the_page(fake_index, index):
    budget = Budget()
    found = index.project("NumPy", budget)
    assert found == project("numpy")
    assert fake_index.requests[0].path == "/simple/numpy/"
    assert (budget.requests, budget.fresh, budget.not_modified) == (1, 0, 0)


def test_a_fresh_answer_costs_no_request(fake_index, index):
    budget = Budget()
    index.project("tomli", budget)
    index.project("tomli", budget)
    assert len(fake_index.requests) == 1
    assert (budget.requests, budget.fresh) == (1, 1)


def test_a_stale_answer_is_revalidated_with_a_304(fake_index, index, clock):
    budget = Budget()
    first = index.project("tomli", budget)
    clock.now += 601
    assert index.project("tomli", budget) == first
    assert [(s.status, s.conditional) for s in fake_index.requests] == [(200, False), (304, True)]
    assert budget.not_modified == 1
    assert index.project("tomli", budget) == first  # fresh again for max-age
    assert len(fake_index.requests) == 2


def test_a_changed_page_is_read_again(fake_index, index, clock):
    index.project("tomli", Budget())
    fake_index.publish("tomli", Release("2.3.0", ("py3-none-any",), ".tar.gz", ">=3.8"))
    clock.now += 601
    found = index.project("tomli", Budget())
    assert [str(v) for v in found.releases] == ["1.2.3", "2.0.1", "2.2.1", "2.3.0"]
    assert [s.status for s in fake_index.requests] == [200, 200]


def test_the_disk_cache_outlives_the_client(fake_index, tmp_path, clock):
    cache = IndexCache(tmp_path / "cache", clock=clock)
    with PackageIndex(fake_index.url, cache) as first:
        first.project("tomli", Budget())
    clock.now += 601
    with PackageIndex(fake_index.url, IndexCache(tmp_path / "cache", clock=clock)) as second:
        assert second.project("tomli", Budget()) == project("tomli")
    assert [s.status for s in fake_index.requests] == [200, 304]


def test_an_unknown_project_is_none_and_remembered(fake_index, index):
    budget = Budget()
    assert index.project("our-private-package", budget) is None
    assert index.project("our-private-package", budget) is None
    assert [s.status for s in fake_index.requests] == [404]


def test_a_server_error_is_index_unavailable(fake_index, index):
    fake_index.fail_next(500)
    with pytest.raises(IndexUnavailable, match=r"answered 500$"):
        index.project("tomli", Budget())


def test_an_answer_that_is_no_project_page_is_index_unavailable(fake_index, index):
    fake_index.fail_next(200)  # a captive portal, say: 200 with text/plain
    with pytest.raises(IndexUnavailable, match="unreadable answer"):
        index.project("tomli", Budget())


def test_a_slow_index_times_out(fake_index, tmp_path):
    fake_index.fail_next(None, hang=1.0)
    cache = IndexCache(tmp_path / "cache")
    with PackageIndex(fake_index.url, cache, timeout=httpx.Timeout(0.2)) as slow:
        with pytest.raises(IndexUnavailable, match="timed out"):
            slow.project("tomli", Budget())


def test_an_index_that_is_down_is_index_unavailable(tmp_path):
    with FakeIndex() as gone:
        url = gone.url
    with PackageIndex(url, IndexCache(tmp_path)) as client:
        with pytest.raises(IndexUnavailable, match="ConnectError"):
            client.project("tomli", Budget())


def test_a_private_html_index_with_credentials(tmp_path):
    private = FakeIndex(prefix="/private/simple/", html_only=True, credentials=("molt", "s3cret"))
    with private, PackageIndex(private.url, IndexCache(tmp_path)) as client:
        assert client.project("lxml", Budget()) == project("lxml")
        assert "s3cret" not in repr(client)
        private.fail_next(503)
        client.cache.clock = lambda: 10**12  # stale
        with pytest.raises(IndexUnavailable) as raised:
            client.project("lxml", Budget())
    assert "s3cret" not in str(raised.value)
    assert str(raised.value).startswith("http://127.0.0.1:")


def test_wrong_credentials_are_index_unavailable(tmp_path):
    private = FakeIndex(credentials=("molt", "s3cret"))
    url = private.url.replace("s3cret", "wrong")
    with private, PackageIndex(url, IndexCache(tmp_path)) as client:
        with pytest.raises(IndexUnavailable, match="answered 401"):
            client.project("tomli", Budget())


# --- budget and cache bounds --------------------------------------------------------------


def test_a_repository_may_make_only_its_requests(fake_index, index):
    budget = Budget(requests=2)
    index.project("tomli", budget)
    index.project("numpy", budget)
    index.project("tomli", budget)  # fresh: free
    with pytest.raises(BudgetSpent, match="limit of 2 index requests"):
        index.project("pandas", budget)
    assert fake_index.paths() == ["/simple/tomli/", "/simple/numpy/"]


def test_a_repository_may_take_only_its_seconds(index):
    ticks = iter([0.0, 100.0])
    budget = Budget(seconds=60, clock=lambda: next(ticks))
    with pytest.raises(BudgetSpent, match="time"):
        index.project("tomli", budget)


def test_the_disk_cache_is_bounded(fake_index, tmp_path, clock):
    cache = IndexCache(tmp_path, maximum=3, clock=clock)
    with PackageIndex(fake_index.url, cache) as client:
        for name in ("tomli", "numpy", "pandas", "lxml", "docopt"):
            clock.now += 1
            client.project(name, Budget())
    assert len(list(tmp_path.glob("*.json"))) <= 3


def test_an_unreadable_cache_file_is_a_miss(fake_index, tmp_path, clock):
    with PackageIndex(fake_index.url, IndexCache(tmp_path, clock=clock)) as client:
        client.project("tomli", Budget())
    for path in tmp_path.glob("*.json"):
        path.write_text("{not json")
    with PackageIndex(fake_index.url, IndexCache(tmp_path, clock=clock)) as client:
        assert client.project("tomli", Budget()) == project("tomli")
    assert [s.status for s in fake_index.requests] == [200, 200]


def test_a_cache_that_cannot_be_written_is_only_slower(fake_index, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("")
    with PackageIndex(fake_index.url, IndexCache(blocked / "cache")) as client:
        assert client.project("tomli", Budget()) == project("tomli")
