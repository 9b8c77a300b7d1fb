"""Pure text-processing core: no Kafka, no I/O. Usable in batch mode and unit-tested alone."""
