"""The postings domain: pure Python, no I/O, no protobuf."""
