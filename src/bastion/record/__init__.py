"""The event log and what reads it back.

eventlog   the Parquet run folder: writer, versioned reader
columns    tables as numpy columns by name; row matching on (t, id)
fates      what became of each drone (the summary's categories)
scoring    per-tick tracking scores (GOSPA) from log rows
replay     the run tick by tick with its figures; replay_view: the terminal view
query      DuckDB SQL over a run folder
"""
