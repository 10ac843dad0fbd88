"""Rows that never change once written: the model-layer half of "published history is frozen".

The other half is in the database: on PostgreSQL, triggers created by migrations
refuse the same writes (``briefings/migrations/*_frozen_triggers.py``,
``releases/migrations/*_frozen_triggers.py``), so a raw ``UPDATE`` or a
forgotten code path cannot get round the rule either.

* ``AppendOnlyModel`` / ``AppendOnlyQuerySet``: rows are inserted once and never
  updated or deleted (releases, their manifests and artefacts, the audit trail).
* ``FrozenRowError`` is what both layers' refusals look like to callers: a 409
  with a message naming the row.
"""
from __future__ import annotations

from typing import Any

from django.db import models

from core.errors import Conflict


class FrozenRowError(Conflict):
    """A write to a row that is frozen (published, or part of a release) was refused."""

    code = "frozen"


class AppendOnlyQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def update(self, **kwargs: Any) -> int:
        raise FrozenRowError(f"{self.model._meta.verbose_name}は追記のみで、変更できません。")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise FrozenRowError(f"{self.model._meta.verbose_name}は追記のみで、削除できません。")


class AppendOnlyModel(models.Model):
    """A row written once: ``save()`` on a stored row and ``delete()`` raise ``FrozenRowError``."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise FrozenRowError(f"{self._meta.verbose_name}（{self.pk}）は変更できません。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise FrozenRowError(f"{self._meta.verbose_name}（{self.pk}）は削除できません。")
