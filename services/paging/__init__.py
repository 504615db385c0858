"""Paged lists for coordinators (visits, households): keyset pagination with the position in the URL.

A page is found by the sort key of the row it starts after (or before), never by OFFSET: page
500 costs what page 1 costs. Cursors are plain text for query strings; a cursor that does not
parse is treated as "the first page".
"""
