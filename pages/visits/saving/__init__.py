"""Saving a visit from a phone so that a reload at any moment leaves one clear state.

The visit's client-made id is created with its draft and carried in the form's URL
(``/households/{id}/visit?visit=<uuid>``). A reloaded form asks the server whether that id is
stored: if not, the draft comes back; if so, the stored visit is shown as "saved at HH:MM", and
the member may correct it (an audited edit) within the edit window.
"""
