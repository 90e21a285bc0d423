"""The log as C2SP tlog-tiles."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
