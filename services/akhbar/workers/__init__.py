"""The three workers: thin shells on one aiokafka runtime.

Each decodes, calls a stage function, produces and counts.
"""
