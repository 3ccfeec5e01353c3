"""Services: the operations people and programs ask of openpas, each one transaction."""
