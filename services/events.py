"""In-process domain events, so features react to each other without importing each other.

    events.subscribe("leave.changed", attendance.on_leave_changed)   # at import of the subscriber
    await events.publish("leave.changed", staff_id=..., start=..., end=...)

Subscribers run in the publisher's task and transaction (so a recomputation commits or rolls back
with the change that caused it). Subscribing modules are imported by `load_subscribers()` at
start-up: every services module that defines `SUBSCRIBES = True`.
"""
import importlib
import pkgutil

_subscribers = {}


def subscribe(event, fn):
    handlers = _subscribers.setdefault(event, [])
    if fn not in handlers:
        handlers.append(fn)


async def publish(event, **payload):
    for fn in list(_subscribers.get(event, ())):
        await fn(**payload)


def load_subscribers():
    import services

    for info in pkgutil.walk_packages(services.__path__, prefix="services."):
        if info.ispkg:
            continue
        module = importlib.import_module(info.name)
        if getattr(module, "SUBSCRIBES", False) and hasattr(module, "register_subscribers"):
            module.register_subscribers()
