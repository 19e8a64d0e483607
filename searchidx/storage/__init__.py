"""The engine under whoosh, and the only code that touches whoosh's internals.

The rest of searchidx goes through :mod:`searchidx.storage.engine`. Here too: the codec
(postings, term records, term table, stored fields), the segment writer and merge, the
array scorer, the durable file storage, and the declared on-disk format with its checksums.
"""
