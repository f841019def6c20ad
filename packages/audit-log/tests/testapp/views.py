from asgiref.sync import sync_to_async
from django.http import JsonResponse

from django_audit_log import current_context, log_event


def _payload(entry):
    return {"entry": str(entry.id), "request_id": entry.request_id, "actor_id": entry.actor_id}


def sync_event(request):
    return JsonResponse(_payload(log_event("viewed", metadata={"path": request.path})))


async def async_event(request):
    context = current_context()
    entry = await sync_to_async(log_event)("viewed", metadata={"path": request.path})
    return JsonResponse({**_payload(entry), "context_request_id": context.request_id if context else None})


def sync_boom(request):
    raise RuntimeError("boom")
