"""Prometheus metrics (served at ``/metrics``): flows by status, steps, queues, routing, calls."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry()

FLOWS = Gauge("openpas_flows", "Flows by status", ["status"], registry=REGISTRY)
STEPS = Counter("openpas_steps_total", "Actions run by the engine", registry=REGISTRY)
QUEUE = Gauge(
    "openpas_queue_waiting", "Work items waiting per workgroup", ["workgroup"], registry=REGISTRY
)
ROUTING = Histogram(
    "openpas_routing_seconds",
    "From a work item queued in a workgroup to its offer",
    registry=REGISTRY,
)
CALLS = Histogram(
    "openpas_call_seconds", "Handler calls by outcome", ["outcome"], registry=REGISTRY
)
CALL_ERRORS = Counter(
    "openpas_call_errors_total", "Handler calls that failed or timed out", registry=REGISTRY
)
