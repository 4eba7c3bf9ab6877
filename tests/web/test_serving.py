"""The page at / and its addresses, its built files, and GraphiQL bundled from npm."""

import pytest

from server.web import DEFAULT_DIST, startup_lines, web_page
from services.settings import Settings
from tests.support.people import ADA

INDEX = '<!doctype html><title>Billing</title><script type="module" src="/assets/main-1a2b.js">'


async def serving(apis, dist, **settings):
    """A client of the app (its lifespan running) serving the page built into `dist`."""
    return (await apis.start(web_dist=str(dist), **settings)).client


@pytest.fixture
def built(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "graphiql.html").write_text("<!doctype html><title>GraphiQL bundled</title>")
    (tmp_path / "assets" / "main-1a2b.js").write_text("console.log('page')")
    return tmp_path


async def test_the_page_and_its_addresses_answer_index_html(apis, built):
    web = await serving(apis, built)

    for path in ("/", "/invoices/SW52b2ljZTox", "/invoices/a%2Fb=="):
        response = await web.get(path)
        assert response.status_code == 200, path
        assert response.text == INDEX
        assert response.headers["cache-control"] == "no-cache"
        assert "default-src 'self'" in response.headers["content-security-policy"]
    assert (await web.get("/nowhere")).status_code == 404


async def test_built_files_are_cached_for_good(apis, built):
    web = await serving(apis, built)

    asset = await web.get("/assets/main-1a2b.js")
    missing = await web.get("/assets/main-0000.js")

    assert asset.status_code == 200
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "javascript" in asset.headers["content-type"]
    assert missing.status_code == 404


async def test_graphiql_is_the_bundled_page(apis, built):
    web = await serving(apis, built)

    response = await web.get("/graphql", headers={"accept": "text/html"})

    assert response.status_code == 200
    assert response.text == "<!doctype html><title>GraphiQL bundled</title>"
    assert "default-src 'self'" in response.headers["content-security-policy"]


async def test_without_a_build_the_page_says_how_to_make_one_and_the_api_works(apis, tmp_path):
    web = await serving(apis, tmp_path / "never-built")

    page = await web.get("/")
    ide = await web.get("/graphql", headers={"accept": "text/html"})
    api = await web.post("/graphql", json={"query": "{ plans { code } }"})

    assert page.status_code == 200
    assert "make web" in page.text
    assert "make web" in ide.text
    assert (await web.get("/assets/main-1a2b.js")).status_code == 404
    assert api.status_code == 200
    assert len(api.json()["data"]["plans"]) == 4


async def test_production_serves_the_page_but_no_graphiql(apis, built):
    web = await serving(apis, built, clock=None, env="production")

    page = await web.get("/")
    ide = await web.get("/graphql", headers={"accept": "text/html"})

    assert page.text == INDEX
    assert ide.status_code >= 400


def test_the_start_up_log_names_the_addresses_and_in_development_the_demo_users(tmp_path):
    development = Settings(web_dist=str(tmp_path))
    lines = "\n".join(startup_lines(development, web_page(development), "0.0.0.0", 8000))  # noqa: S104
    assert "not built" in lines
    assert "make web" in lines
    assert "http://127.0.0.1:8000/graphql" in lines
    assert ADA in lines

    production = Settings(env="production", jwt_secret="p" * 40, web_dist=str(tmp_path))
    lines = "\n".join(startup_lines(production, web_page(production), "127.0.0.1", 80))
    assert ADA not in lines


@pytest.mark.skipif(not (DEFAULT_DIST / "index.html").is_file(), reason="the page is not built")
def test_the_built_pages_load_nothing_from_elsewhere():
    for name in ("index.html", "graphiql.html"):
        html = (DEFAULT_DIST / name).read_text()
        assert "/assets/" in html
        assert "http://" not in html
        assert "https://" not in html
