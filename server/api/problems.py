"""One translation layer from errors to RFC 9457 problem details (`application/problem+json`).

Server errors (`server.errors`) map by class; FastAPI's request validation and Starlette's HTTP errors are
turned into the same shape, so every error a client sees looks alike:

    {"type": "about:blank", "title": "Not Found", "status": 404, "detail": "...", "code": "not_found",
     "instance": "/api/v1/items/X"}

Validation problems list the fields at fault but never echo the submitted values: a mistyped PIN or
password must not come back in a response body (or end up in a proxy's log of it).
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from server.errors import (
    ConflictError,
    ForbiddenError,
    IdempotencyKeyReusedError,
    InvalidInputError,
    NotFoundError,
    StacksError,
    TooManyAttemptsError,
    UnauthorizedError,
)

PROBLEM_MEDIA_TYPE = "application/problem+json"
BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}

logger = logging.getLogger(__name__)

# Most specific first: the first class in an error's MRO found here decides.
_STATUS_OF_ERROR: dict[type[StacksError], tuple[int, str]] = {
    IdempotencyKeyReusedError: (422, "idempotency_key_reused"),
    NotFoundError: (404, "not_found"),
    ConflictError: (409, "conflict"),
    InvalidInputError: (422, "invalid_input"),
    UnauthorizedError: (401, "unauthorized"),
    ForbiddenError: (403, "forbidden"),
    TooManyAttemptsError: (429, "too_many_attempts"),
}


def problem_response(
    status: int,
    *,
    detail: str | None,
    code: str,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "code": code,
    }
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update(extra or {})
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def status_of(error: StacksError) -> tuple[int, str] | None:
    for cls in type(error).__mro__:
        if cls in _STATUS_OF_ERROR:
            return _STATUS_OF_ERROR[cls]
    return None


async def _stacks_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StacksError)
    mapped = status_of(exc)
    if mapped is None:  # an error with no client meaning (configuration): a server fault
        logger.error(
            "unmapped server error on %s %s: %s", request.method, request.url.path, type(exc).__name__
        )
        return problem_response(500, detail=None, code="internal_error", instance=request.url.path)
    status, code = mapped
    headers = BEARER_CHALLENGE if status == 401 else None
    if isinstance(exc, TooManyAttemptsError):
        headers = {"Retry-After": str(exc.retry_after)}
    return problem_response(status, detail=str(exc), code=code, instance=request.url.path, headers=headers)


def _safe_validation_errors(errors: Any) -> list[dict[str, Any]]:
    # Only where and what: never `input` (it could be a PIN or a password) nor `ctx`.
    return [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in errors
    ]


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return problem_response(
        422,
        detail="the request is not valid",
        code="validation_error",
        instance=request.url.path,
        extra={"errors": _safe_validation_errors(exc.errors())},
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}.get(
        exc.status_code, "http_error"
    )
    detail = exc.detail if isinstance(exc.detail, str) else None
    headers: dict[str, str] | None = dict(exc.headers) if exc.headers else None
    if exc.status_code == 401:
        headers = {**BEARER_CHALLENGE, **(headers or {})}
    return problem_response(
        exc.status_code, detail=detail, code=code, instance=request.url.path, headers=headers
    )


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(500, detail=None, code="internal_error", instance=request.url.path)


def install_error_handlers(app: FastAPI) -> None:
    """Register the translation on an application (the server's factory and the tests call this)."""
    app.add_exception_handler(StacksError, _stacks_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
