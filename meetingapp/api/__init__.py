"""The local REST API: thin routes over :class:`meetingapp.library.Library`.

``create_app(library)`` builds the FastAPI app; ``meetingapp serve`` runs it with
uvicorn. Every ``/api/v1`` route needs ``Authorization: Bearer <token>``, the
token in the data folder's ``api_token`` (made at the first start, mode 0600);
``/health`` is open. Errors are JSON ``{"error": "<one line>"}``, unknown ids 404.
Uploads are queued on one job runner that lives as long as the server.
"""

from meetingapp.api.app import MAX_UPLOAD_BYTES, create_app, ensure_token, token_path

__all__ = ["MAX_UPLOAD_BYTES", "create_app", "ensure_token", "token_path"]
