"""Admin building blocks shared by the apps."""
from __future__ import annotations

from typing import Any

from django.http import HttpRequest


class ReadOnlyAdminMixin:
    """For records nobody edits in the admin: history, manifests, derived state, dashboards."""

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)  # type: ignore[misc]
        actions.pop("delete_selected", None)
        return actions

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FrozenAwareAdminMixin:
    """For models whose rows freeze: a frozen row is shown read-only and can never be deleted.

    Subclasses say which rows are frozen (``is_frozen``). Applies to every user,
    superusers included; the bulk "delete selected" action is removed so that a
    frozen row cannot be swept up with editable ones.
    """

    def is_frozen(self, obj: Any) -> bool:
        raise NotImplementedError

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and self.is_frozen(obj):
            return False
        return super().has_change_permission(request, obj)  # type: ignore[misc,no-any-return]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and self.is_frozen(obj):
            return False
        return super().has_delete_permission(request, obj)  # type: ignore[misc,no-any-return]

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)  # type: ignore[misc]
        actions.pop("delete_selected", None)
        return actions
