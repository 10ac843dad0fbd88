"""Provenance: sources (newspapers, websites, Diet records …) and their ingestion.

Import rule: ``sources`` imports only from ``core``. Other apps use
``sources.services`` and ``sources.selectors``, never ``sources.admin`` or ``sources.api``.
"""
