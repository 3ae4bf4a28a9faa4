"""A conversation downloaded as a recording: the same JSON Lines file ``bcagent replay export`` writes
(``agent.replay.recording``), which ``bcagent replay run FILE`` re-runs against the current build.

Redacted by default, as the replay's export into ``evals/recordings/`` is: shoppers' emails, names,
phones, streets and postcodes replaced by stable placeholders (``agent.replay.redaction``), so the file
can be attached to a bug report and still replays. ``?personal=1`` downloads it as recorded, and that
is logged like "show personal details". The store's token is never in a transcript; should it ever be,
it is cut out of the file all the same.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from ..persistence.transcripts import Query, open_transcripts
from ..store.connections import ConnectionProblem, ConnectionStore
from .access import Refusal, _not_found, _signed_in
from .conversations import THREAD_ID

log = logging.getLogger(__name__)
router = APIRouter(prefix="/admin", include_in_schema=False)
REDACTED = "<redacted>"


@router.get("/stores/{store_hash}/conversations/{thread_id}/recording.jsonl")
async def download_recording(request: Request, store_hash: str, thread_id: str) -> Response:
    try:
        console, session, _ = await _signed_in(request, store_hash)
    except Refusal as refusal:
        return refusal.response
    if not THREAD_ID.fullmatch(thread_id):
        return _not_found()
    from ..replay.redaction import redact_turns
    from ..replay.runner import recording_of_thread

    connections = ConnectionStore(console.settings.home)
    async with open_transcripts(console.settings, connections.folder(store_hash)) as transcripts:
        turns = await transcripts.turns(Query(store_hash=store_hash, thread_id=thread_id))
    if not turns:
        return _not_found()
    personal = request.query_params.get("personal") == "1"
    if personal:
        log.info("console: %s downloaded %s/%s with personal details", session.email, store_hash, thread_id)
    else:
        turns, _ = redact_turns(turns)
    recording = recording_of_thread(turns, console.settings)
    recording.redacted = not personal
    text = recording.to_text()
    try:
        token = connections.token(store_hash).reveal()
    except ConnectionProblem:
        token = ""
    if token:
        text = text.replace(token, REDACTED)
    suffix = "" if personal else "-redacted"
    return Response(
        text.encode("utf-8"),
        media_type="application/x-ndjson",
        headers={
            "Content-Disposition": f'attachment; filename="{thread_id}{suffix}.jsonl"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
