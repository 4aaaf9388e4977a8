"""Entrypoints: gRPC servicer, Kafka consumers, timers."""
