"""The duty catalog: supervision matters (catalog), published versions (catalog_versions),
catalog files (catalog_io), business-scope matching (scope) and routing a registration to the
departments that must supervise it (routing).
"""
