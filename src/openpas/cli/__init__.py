"""The ``openpas`` command line: thin adapters over the model and the engine."""
