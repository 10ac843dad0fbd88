"""The admin site, whose home page is the editors' and reviewers' desk.

Composed here, at the top of the layers, as ``config/urls.py`` composes the
apps' URLs: the desk reads every app (``releases.selectors.desk``). The generic
list of models stays on the same page, below the desk. Installed as
``admin.site`` by ``config.apps.DeskAdminConfig``.
"""
from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse

from releases.selectors.desk import desk_for


class DeskAdminSite(admin.AdminSite):
    """``/admin/`` opens on the desk: my drafts, what waits for me, what needs attention."""

    index_template = "admin/desk.html"
    site_header = "政策ブリーフィング 編集管理"
    site_title = "政策ブリーフィング 編集管理"
    index_title = "編集・審査のデスク"
    # The model list stays on the desk page; without the sidebar beside every page a change list keeps
    # the whole 1280 px for its columns (with the filters beside it, the revision list overflowed by a few
    # pixels once ids had five digits).
    enable_nav_sidebar = False

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        return super().index(request, {"desk": desk_for(user=request.user), **(extra_context or {})})

