"""REST API with oTree's paths and payloads: create, inspect and list sessions."""

from __future__ import annotations

import json
import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import SessionCreationError
from ..flow.session_info import create_session_for_api, list_sessions, session_details
from ..flow.unit_of_work import run_step
from .admin_auth import deployment_of
from .responses import runtime_of

REST_KEY_HEADER = "otree-rest-key"
CREATE_ARGUMENTS = {
    "session_config_name": "config_name",
    "num_participants": "num_participants",
    "room_name": "room_name",
    "label": "label",
    "modified_session_config_fields": "modified_config",
}


def rest_key_problem(request: Request) -> JSONResponse | None:
    """Check the otree-rest-key header against OTREE_REST_KEY when a key is configured."""
    deployment = deployment_of(request)
    expected = deployment.rest_key
    if not expected and not deployment.auth_level:
        return None
    given = request.headers.get(REST_KEY_HEADER)
    if given is None:
        return JSONResponse({"error": f"HTTP Request Header {REST_KEY_HEADER} is missing"}, 403)
    if not expected or not secrets.compare_digest(given, expected):
        return JSONResponse({"error": f"{REST_KEY_HEADER} is incorrect"}, 403)
    return None


async def _json_body(request: Request) -> dict[str, Any] | JSONResponse:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return JSONResponse({"error": "The request body is not valid JSON."}, 400)
    if not isinstance(body, dict):
        return JSONResponse({"error": "The request body must be a JSON object."}, 400)
    return body


def _base_url(request: Request) -> str:
    return str(request.base_url)


async def sessions(request: Request) -> Response:
    """GET lists sessions; POST creates one."""
    problem = rest_key_problem(request)
    if problem:
        return problem
    runtime = runtime_of(request)
    if request.method == "GET":
        listed = await run_step(runtime, list_sessions, _base_url(request))
        return JSONResponse(listed.value)
    body = await _json_body(request)
    if isinstance(body, JSONResponse):
        return body
    unknown = sorted(set(body) - set(CREATE_ARGUMENTS) - {"is_mturk"})
    if unknown:
        return JSONResponse({"error": f"Unknown argument(s): {', '.join(unknown)}"}, 400)
    if "session_config_name" not in body:
        return JSONResponse({"error": "session_config_name is required"}, 400)
    arguments = {
        CREATE_ARGUMENTS[key]: value for key, value in body.items() if key in CREATE_ARGUMENTS
    }
    try:
        created = await run_step(runtime, create_session_for_api, _base_url(request), arguments)
    except SessionCreationError as exc:
        return JSONResponse({"error": str(exc)}, 400)
    return JSONResponse(created.value)  # oTree answers 200, and its clients expect it


async def get_session(request: Request) -> Response:
    """POST /api/get_session/{code} (and GET /api/sessions/{code}): one session's details."""
    problem = rest_key_problem(request)
    if problem:
        return problem
    body = await _json_body(request)
    if isinstance(body, JSONResponse):
        return body
    outcome = await run_step(
        runtime_of(request),
        session_details,
        request.path_params["code"],
        _base_url(request),
        body.get("participant_vars"),
        body.get("session_vars"),
    )
    if outcome.is_not_found:
        return JSONResponse({"error": "No session with this code"}, 404)
    return JSONResponse(outcome.value)


routes = [
    Route("/api/sessions", sessions, methods=["GET", "POST"]),
    Route("/api/get_session/{code}", get_session, methods=["POST"]),
    Route("/api/sessions/{code}", get_session, methods=["GET"]),
]
