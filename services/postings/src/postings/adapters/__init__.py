"""Adapters: MongoDB (repository) and protobuf (wire)."""
