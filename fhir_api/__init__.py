"""Stride's read-only FHIR R4 interface: mappings, search, bulk export, OAuth2 clients."""
