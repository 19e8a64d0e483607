"""The API's OpenAPI 3.1 description, served at /api/openapi.json."""
from __future__ import annotations

from .. import __version__
from .params import DEFAULT_LIMIT, MAX_LIMIT, MAX_PAGE, MAX_QUERY_CHARS

__all__ = ["openapi_schema"]


def _param(name: str, description: str, schema: dict, required: bool = False,
           where: str = "query") -> dict:
    return {"name": name, "in": where, "required": required, "description": description,
            "schema": schema}


_ERROR = {"description": "A bad request or an unknown id: the CLI's one-line message.",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_OBJECT = {"content": {"application/json": {"schema": {"type": "object"}}}}
_DATE = {"type": "string", "examples": ["2023", "2023-10", "2023-10-05"]}

SEARCH_PARAMETERS = [
    _param("q", "The query, in searchidx's query language (as `searchidx search QUERY`).",
           {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS}, required=True),
    _param("limit", "Hits per page (--limit).",
           {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}),
    _param("page", "Page of hits (--page).",
           {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}),
    _param("from", "Earliest date (--from): YYYY, YYYY-MM or YYYY-MM-DD.", _DATE),
    _param("to", "Latest date (--to); a month or year includes all of it.", _DATE),
    _param("province", "Only this province, accents optional (--province).", {"type": "string"}),
    _param("merged", "With a province: its whole unit since the 2025 merger (--merged).",
           {"type": "boolean", "default": False}),
    _param("since", "Only documents indexed or changed since: a date or 7d, 12h, 2w (--since).",
           {"type": "string"}),
    _param("sort", "Rank by relevance or newest first (--sort).",
           {"type": "string", "enum": ["score", "date"], "default": "score"}),
    _param("type", "Only documents of this type: báo cáo, biên bản, BB… (--type).", {"type": "string"}),
    _param("number", "The document with this number and symbol, e.g. 215/BC-UBND (--number).",
           {"type": "string"}),
    _param("issuer", "Only documents issued by this body or one under it (--issuer).", {"type": "string"}),
    _param("signer", "Only documents signed by this person (--signer).", {"type": "string"}),
    _param("speaker", "Only words this speaker said (--speaker).", {"type": "string"}),
    _param("collapse", "Copies of one report as one hit listing them (false: --no-collapse).",
           {"type": "boolean", "default": True}),
    _param("facets", "Count the hits by province, year, type, issuer, people and agencies (--facets).",
           {"type": "boolean", "default": False}),
    _param("match", "all: every word (--all); any: ranked, any word (--any); auto: every "
           "word unless the query reads as a question.",
           {"type": "string", "enum": ["auto", "all", "any"], "default": "auto"}),
]


def openapi_schema() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "searchidx", "version": __version__,
                 "description": "Read-only search of a searchidx index: the JSON of "
                                "`searchidx search --json`, `show --json` and `stats --json`."},
        "paths": {
            "/api/search": {"get": {
                "summary": "Search the index (the JSON of `searchidx search --json`).",
                "parameters": SEARCH_PARAMETERS,
                "responses": {"200": {"description": "One page of hits, with marks and facets.",
                                      **_OBJECT}, "400": _ERROR},
            }},
            "/api/documents/{id}": {"get": {
                "summary": "One document by id (the JSON of `searchidx show ID --json`).",
                "parameters": [
                    _param("id", "A document id as search returns it (may hold '/').",
                           {"type": "string"}, required=True, where="path"),
                    _param("q", "Mark this query's words: adds query and marks ([start, end) "
                           "offsets into text).", {"type": "string", "maxLength": MAX_QUERY_CHARS}),
                ],
                "responses": {"200": {"description": "The document.", **_OBJECT},
                              "400": _ERROR, "404": _ERROR},
            }},
            "/api/stats": {"get": {
                "summary": "What the index holds (the JSON of `searchidx stats --json`).",
                "responses": {"200": {"description": "Documents, size, dates, provinces, years.",
                                      **_OBJECT}},
            }},
        },
        "components": {"schemas": {"Error": {
            "type": "object", "required": ["error", "status"],
            "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
        }}},
    }
