"""Door card pages: a household's card (print, replace, revoke), the per-area setting, and the
"Scan door card" control of the visit form."""
