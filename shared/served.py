"""The apps as a served process starts them (``serve``, and each of its workers): built,
then everything made so far frozen out of Python's cycle collector.

A service process holds a few hundred thousand long-lived objects (modules, the app, its
tables and statements). Every full collection walked them all again: measured in the
benchmark at 4 concurrent decisions, postings ran 11 full collections of about 110 ms each
in 10 s, each a pause every request in flight waited through. Frozen, a full collection
walks only what was made since. Tests build apps in one process, one after another, and
do not come this way: freezing there would keep each finished test's app for good."""

from __future__ import annotations

import gc
import importlib

from fastapi import FastAPI


def _settled(service: str) -> FastAPI:
    app: FastAPI = importlib.import_module(f"services.{service}.main").create_app()
    gc.collect()
    gc.freeze()
    return app


# One name per service, as ``serve`` passes them to uvicorn ("shared.served:postings").
def postings() -> FastAPI:
    return _settled("postings")


def appeals() -> FastAPI:
    return _settled("appeals")


def roi() -> FastAPI:
    return _settled("roi")


def console() -> FastAPI:
    return _settled("console")
