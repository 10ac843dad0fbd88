"""``django.contrib.admin`` with the desk as its site (``config.desk.DeskAdminSite``).

Kept apart from ``config.desk``: an app config is imported before the models
are ready, the site imports selectors (and so models).
"""
from django.contrib.admin.apps import AdminConfig


class DeskAdminConfig(AdminConfig):
    """Make ``DeskAdminSite`` the default ``admin.site`` (Django's documented way to replace it)."""

    default_site = "config.desk.DeskAdminSite"
