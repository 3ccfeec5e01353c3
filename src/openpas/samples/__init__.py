"""Sample handlers used by the example processes."""
