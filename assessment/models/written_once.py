"""Rows written once and never changed: cast ballots and their marks, survey responses and
their answers. The model refuses ``save`` on a stored row and ``delete``; its queryset refuses
``update()`` and ``delete()``; database triggers refuse the same below the ORM
(``assessment.lib.db_guards``). Each model names its refusals."""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise


class WrittenOnceQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise ValidationError(self.model.refused_change)

    def delete(self):  # type: ignore[no-untyped-def]
        raise ValidationError(self.model.refused_delete)

    delete.queryset_only = True  # type: ignore[attr-defined]


class WrittenOnce(models.Model):
    refused_change: ClassVar[str | Promise]
    refused_delete: ClassVar[str | Promise]

    objects = WrittenOnceQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if not self._state.adding:
            raise ValidationError(self.refused_change)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise ValidationError(self.refused_delete)
