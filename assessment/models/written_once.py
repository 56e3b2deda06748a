"""Rows written once and never changed: cast ballots and their marks, survey responses and
their answers. The model refuses ``save`` on a stored row and ``delete``; its queryset refuses
``update()`` and ``delete()``; database triggers refuse the same below the ORM
(``assessment.lib.db_guards``). Each model names its refusals."""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.core.exceptions import ValidationError
from django.db import models
from django_stubs_ext import StrOrPromise


class WrittenOnceQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise ValidationError(self.model.refused_change)

    def delete(self) -> NoReturn:
        raise ValidationError(self.model.refused_delete)

    # Keeps the method off the manager, as Django does for its own QuerySet.delete.
    delete.queryset_only = True  # type: ignore[attr-defined]  # mypy cannot declare a function attribute


class WrittenOnce(models.Model):
    refused_change: ClassVar[StrOrPromise]
    refused_delete: ClassVar[StrOrPromise]

    objects = WrittenOnceQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValidationError(self.refused_change)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValidationError(self.refused_delete)
