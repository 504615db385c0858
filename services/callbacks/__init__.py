"""Callbacks (回访): the household's own word on the visits and on the member paired with them.

Each week a reproducible random sample of every area's counted visits goes on a callback list; a
coordinator phones the household and records whether the visit happened (a denied visit is marked
"has issues" and the administrators are told) and, if the household wishes, its satisfaction with the
member. That satisfaction, next to the residents' ratings of request answers, is the yardstick.

- ``weeks``: ISO weeks in the organisation's time zone;
- ``draw``: the weekly draw (seeded by the week and the area, so it can be reproduced) and the job;
- ``calls``: the callback lists a coordinator may see and the outcomes recorded on them;
- ``satisfaction``: satisfaction per member and per area, never as a figure on fewer than 5 answers.
"""
