"""The three workers: thin shells on one aiokafka runtime (decode, stage, produce, count)."""
