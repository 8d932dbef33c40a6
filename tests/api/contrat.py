"""The body every 422 of the API keeps, whoever finds the problem (the schema or our rules):
``{"detail", "erreurs": [{"champ", "emplacement", "message", "type"}]}``."""

from __future__ import annotations

EMPLACEMENTS = {"body", "form", "file", "query", "path", "header"}
ENGLISH = ("Field required", "Input should", "Value error", "__all__")


def corps_422(response) -> dict:
    """The body of ``response``, a 422 checked against the contract."""
    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert set(data) == {"detail", "erreurs"}, data
    assert data["detail"], data
    assert data["erreurs"], data
    for erreur in data["erreurs"]:
        assert set(erreur) == {"champ", "emplacement", "message", "type"}, erreur
        assert erreur["champ"] is None or erreur["champ"], erreur  # a field, or null; never ""
        assert erreur["emplacement"] in EMPLACEMENTS, erreur
        assert erreur["message"] and erreur["type"], erreur
    text = response.content.decode()
    assert not [word for word in ENGLISH if word in text], text
    return data


def par_champ(data: dict) -> dict[str | None, dict]:
    """The body's ``erreurs`` by field (``None``: the request as a whole)."""
    erreurs = {e["champ"]: e for e in data["erreurs"]}
    assert len(erreurs) == len(data["erreurs"]), data  # one problem per field in these tests
    return erreurs
