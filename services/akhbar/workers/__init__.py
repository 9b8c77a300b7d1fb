"""The three workers: thin Faust shells that decode, call a stage function, produce, count."""
