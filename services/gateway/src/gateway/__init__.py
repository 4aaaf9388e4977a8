"""Stint's REST/JSON gateway: authenticates, authorizes coarse-grained, translates HTTP <-> gRPC."""
