"""Security: who is asking (principals), sign-in, rights, licences and security specifications.

Services take a :class:`~openpas.security.principal.Principal`; adapters (the
command line, the REST API, the web pages) authenticate the caller and pass one.
Every read that sends data out of the server goes through
:mod:`openpas.security.guard`.
"""
