"""Stint postings service: employers publish micro-internship projects; students find them."""
