"""Below every domain: what any rule needs, and no rule of its own.

db (engine, sessions, the SQL that differs between SQLite and PostgreSQL), transactions
(run_change: one change, one transaction), follow_on (updates declared once, run before
commit), access (the row policy, restrict, the operation table), audit (the hash-chained
log), errors (Problem, DomainError, Collector), checks (text, codes, document numbers, dates
and amounts: one behaviour, code and message each), upsert (the audited catalog upsert), transitions
(conditional state changes), paging (keyset pages and cursors), desk (a department's work
list), labels (every enum's Chinese label), calendar (working days), sheets (CSV and XLSX),
settings, clock, principal (who is acting), bulk_insert, migrate.
"""
