"""The entity registry: market entities and their persons (registry, persons, registry_view),
the USCC check of GB 32100 (uscc), regions and departments (regions, departments).
"""
