"""The three workers: thin shells on one aiokafka runtime that decode, call a stage function, produce, count."""
