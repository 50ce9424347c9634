"""双归集: licenses, penalties and complaints from their source departments (records), batch
files (record_import, with record_columns, record_rows, record_writer, record_import_report)
and licenses revoked by the penalties that stand (revocation).
"""
