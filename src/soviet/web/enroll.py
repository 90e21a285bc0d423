"""The page where a member registers the key their browser makes."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
