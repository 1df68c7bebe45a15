"""The committed OpenAPI description is the one the code serves; `make schema` rewrites it."""

from pathlib import Path

import yaml
from django.test import Client
from django.urls import get_resolver
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer

COMMITTED = Path(__file__).resolve().parents[2] / "mobile_api" / "openapi.yaml"


def test_the_committed_schema_matches_the_code(db):
    generated = OpenApiYamlRenderer().render(SchemaGenerator().get_schema(request=None, public=True))
    assert generated.decode() == COMMITTED.read_text(), "The API changed: run `make schema` and commit the result."


def test_the_served_schema_is_the_committed_one(db):
    served = Client().get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi"})
    assert yaml.safe_load(served.content) == yaml.safe_load(COMMITTED.read_text())


def test_every_api_route_is_in_the_schema_with_its_errors_and_auth(db):
    schema = yaml.safe_load(COMMITTED.read_text())
    api_routes = {
        "/api/" + str(pattern.pattern).replace("<id:", "{").replace("<slug:", "{").replace(">", "}")
        for pattern in get_resolver("mobile_api.urls").url_patterns
        if str(pattern.pattern).startswith("v1/")
    }
    assert api_routes == set(schema["paths"])
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"401", "403", "429"} <= set(operation["responses"]), (method, path)
            # The app's token, the web app's cookie, and the case system's key (reads only).
            security = [{"sessionToken": []}, {"cookieAuth": []}, {"integrationKey": []}]
            assert operation["security"] == security, (method, path)
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    assert list(response["content"]) == ["application/problem+json"], (method, path, status)
    assert schema["components"]["securitySchemes"]["sessionToken"]["name"] == "X-Session-Token"
    assert schema["components"]["securitySchemes"]["integrationKey"]["scheme"] == "bearer"
