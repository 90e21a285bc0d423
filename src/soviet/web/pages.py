"""The notice board's pages."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

router = APIRouter()


def install(app: FastAPI) -> None:
    """The pages' own error handlers (HTML for a browser)."""
