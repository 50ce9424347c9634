"""双告知: a department's notices and their states (notices), the push feed (notice_events,
notice_feed), the notice desk (inbox) and the catalog gaps that returned notices reveal
(catalog_gaps).
"""
