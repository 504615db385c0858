"""The ethical line: Doorstep records service, not surveillance.

Names that users create (need categories, request categories, service posts) may not mark a
household's religion, ethnicity, political views or a "risk"/"watch" status; free text that does
is saved, with a warning to the writer and an audit entry (the kind of word, never the text).
The word lists live in ``words``; the checks in ``guard``.
"""
