"""Pure code: no I/O, no database, no network. Data in, data out."""
