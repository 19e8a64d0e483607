"""Reading report files into Documents: the write side's input.

discovery finds the files; documents reads one (textfiles, jsonfiles, and formats for
Word, PDF, HTML and OpenDocument); encodings decodes pre-Unicode Vietnamese; metadata
detects the date, province, officials and agencies of a text; fields builds each
Document from what was read and detected.
"""
