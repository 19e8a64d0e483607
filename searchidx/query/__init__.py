"""User query text -> what a search matches and how it ranks.

language.py parses the query language into a syntax tree (leniently: bad syntax
becomes warnings); words.py finds the words of free text and what holding each
takes; builder.py turns the tree into what must match, ranking.py into what ranks
(RankingWeights); filters.py holds the province and date filters every search can
take; units.py splits query text into the syllables and compounds that rank.
"""
from .builder import MATCH_MODES, QueryBuilder, QueryPlan, build_query, reads_as_question
from .filters import date_range_query, province_query
from .language import MAX_NESTING, MAX_QUERY_CHARS, ParsedQuery, clip_query, parse_query
from .ranking import RankingWeights
from .units import Unit, query_units
from .words import QueryWord, query_words, word_query

__all__ = ["RankingWeights", "ParsedQuery", "parse_query", "clip_query", "build_query", "QueryBuilder",
           "QueryPlan", "MATCH_MODES", "reads_as_question", "QueryWord", "query_words", "word_query",
           "Unit", "query_units", "date_range_query", "province_query", "MAX_QUERY_CHARS", "MAX_NESTING"]
