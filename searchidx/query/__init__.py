"""User query text -> a ranked whoosh query.

language.py parses the query language into a syntax tree (leniently: bad syntax
becomes warnings); builder.py turns the tree into what must match, ranking.py
into what ranks (RankingWeights); filters.py holds the province and date filters
every search can take; units.py splits query text into the words that match.
"""
from .builder import QueryBuilder, QueryPlan, build_query
from .filters import date_range_query, province_query
from .language import MAX_NESTING, MAX_QUERY_CHARS, ParsedQuery, clip_query, parse_query
from .ranking import RankingWeights
from .units import Unit, query_units

__all__ = ["RankingWeights", "ParsedQuery", "parse_query", "clip_query", "build_query", "QueryBuilder",
           "QueryPlan", "Unit", "query_units", "date_range_query", "province_query",
           "MAX_QUERY_CHARS", "MAX_NESTING"]
