"""Helpers the test modules share, so that no test module imports another.

One job a module: `api` (calling the GraphQL API and counting its statements), `admin` (signing in
to the admin pages over HTTP, CSRF tokens), `browser` (the Chromium fixtures), `cli` (running
manage.py), `audit` (reading the audit trail), `departments` (the demo city's department codes),
`entities` (USCCs and registrations), `records`, `listings`, `referrals` and `catalog` (each
domain's GraphQL documents and inputs), `record_files` and `catalog_files` (import files as
departments and maintainers send them), `record_import` (running a records import and reading
what it stored). Fixtures and the `DemoCity` and `Api` types stay in tests/conftest.py.
"""
