"""Kafka plumbing shared by the workers and the clients: connection, topics, dead letters."""
