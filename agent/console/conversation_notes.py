"""The conversation page's tags and note: the forms that write them (CSRF-checked, the signed-in user's
store only, a conversation that exists in that store's transcripts only). Who wrote a note or added a tag
is the session's email; the page shows it with the time (``conversations.conversation_view``)."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..persistence.conversation_notes import NoteRefused, open_conversation_data
from ..persistence.transcripts import Query
from ..store.connections import ConnectionStore
from .access import Refusal, _form, _not_found, _signed_in
from .conversations import THREAD_ID

log = logging.getLogger(__name__)
router = APIRouter(prefix="/admin", include_in_schema=False)


def _back(store_hash: str, thread_id: str, notice: str) -> Response:
    return RedirectResponse(
        f"/admin/stores/{store_hash}/conversations/{thread_id}?notice={quote(notice)}", status_code=303
    )


@router.post("/stores/{store_hash}/conversations/{thread_id}/note")
async def write_note(request: Request, store_hash: str, thread_id: str) -> Response:
    try:
        console, session, _ = await _signed_in(request, store_hash)
        form = await _form(request, session)
    except Refusal as refusal:
        return refusal.response
    if not THREAD_ID.fullmatch(thread_id):
        return _not_found()
    folder = ConnectionStore(console.settings.home).folder(store_hash)
    async with open_conversation_data(console.settings, folder) as data:
        if not await data.transcripts.turns(Query(store_hash=store_hash, thread_id=thread_id, limit=1)):
            return _not_found()
        try:
            note = await data.notes.write_note(store_hash, thread_id, form.get("note", ""), session.email)
        except NoteRefused as refused:
            return _back(store_hash, thread_id, f"Note not saved: {refused}")
    log.info("console: %s %s the note of %s/%s", session.email, "wrote" if note else "removed", store_hash,
             thread_id)  # fmt: skip
    return _back(store_hash, thread_id, "Note saved." if note else "Note removed.")


@router.post("/stores/{store_hash}/conversations/{thread_id}/tags")
async def change_tags(request: Request, store_hash: str, thread_id: str) -> Response:
    try:
        console, session, _ = await _signed_in(request, store_hash)
        form = await _form(request, session)
    except Refusal as refusal:
        return refusal.response
    if not THREAD_ID.fullmatch(thread_id):
        return _not_found()
    action, text = form.get("action", "add"), form.get("tag", "")
    folder = ConnectionStore(console.settings.home).folder(store_hash)
    async with open_conversation_data(console.settings, folder) as data:
        if not await data.transcripts.turns(Query(store_hash=store_hash, thread_id=thread_id, limit=1)):
            return _not_found()
        if action == "remove":
            removed = await data.notes.remove_tag(store_hash, thread_id, text)
            notice = f"Tag {text.strip()!r} removed." if removed else "That tag was not on this conversation."
        else:
            try:
                tag = await data.notes.add_tag(store_hash, thread_id, text, session.email)
            except NoteRefused as refused:
                return _back(store_hash, thread_id, f"Tag not added: {refused}")
            notice = f"Tagged {tag!r}."
    log.info("console: %s changed the tags of %s/%s", session.email, store_hash, thread_id)
    return _back(store_hash, thread_id, notice)
