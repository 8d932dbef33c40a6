"""Commune lookup by name or postal code."""

import pytest

from aiguillage.territories.search import commune_search, normalise

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Saint-Étienne", "saint etienne"),
        ("  SAINT   ÉTIENNE ", "saint etienne"),
        ("St-Étienne-du-Rouvray", "saint etienne du rouvray"),
        ("L'Haÿ-les-Roses", "l hay les roses"),
        ("Châlons-s-Marne", "chalons sur marne"),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize("query", ["saint etienne", "Saint-Étienne", "SAINT ETIENNE", "st etienne"])
def test_saint_etienne_comes_first(query):
    results = commune_search(query)
    assert results[0].code == "42218"
    assert len(results) > 1  # other Saint-Étienne-… communes follow


def test_postal_code_returns_the_main_commune_first():
    results = commune_search("73000")
    assert results[0].code == "73065"
    assert all("73000" in c.codes_postaux.split() for c in results)


def test_postal_code_prefix():
    results = commune_search("7300")
    assert results
    assert all(any(cp.startswith("7300") for cp in c.codes_postaux.split()) for c in results)


def test_insee_code_matches_exactly():
    assert commune_search("42218")[0].nom == "Saint-Étienne"


def test_inner_word_match_ranks_after_prefixes():
    results = commune_search("etienne", limit=20)
    names = [c.nom for c in results]
    assert any(n.startswith("Saint-Étienne") for n in names)


def test_short_or_empty_queries_return_nothing():
    assert commune_search("") == []
    assert commune_search("a") == []


def test_limit_is_bounded():
    assert len(commune_search("saint", limit=500)) == 20


def test_search_costs_two_queries_at_most(django_assert_num_queries):
    with django_assert_num_queries(1):
        commune_search("saint")  # enough prefix matches: no inner-word scan
    with django_assert_num_queries(2):
        commune_search("chambery")
    with django_assert_num_queries(2):
        commune_search("73000")


def test_public_search_page(client):
    response = client.get("/territoires/communes/", {"q": "chambery"})
    assert response.status_code == 200
    assert "Chambéry" in response.content.decode()


def test_search_page_htmx_partial(client):
    response = client.get("/territoires/communes/", {"q": "73000"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body
    assert "Chambéry" in body


def test_api_search_and_detail(client):
    response = client.get("/api/v1/territoires/communes", {"q": "saint etienne"})
    assert response.status_code == 200
    first = response.json()[0]
    assert first["code"] == "42218"
    assert first["departement"] == "42"
    assert "42000" in first["codes_postaux"]
    detail = client.get("/api/v1/territoires/communes/73065").json()
    assert detail["nom"] == "Chambéry"
    assert client.get("/api/v1/territoires/communes/00000").status_code == 404


def test_openapi_schema_is_public(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/territoires/communes" in schema["paths"]
