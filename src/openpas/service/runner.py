"""The engine loop of one server: restore, timers, runnable flows, outside calls.

Flows that can run are read in batches, advanced in memory (no I/O), and their
new positions and effects are written in ONE transaction for the batch, so
throughput is not bound by one fsync per flow. Handler calls and mails follow
the external-call protocol: recorded in flight and committed, then made, then
their result committed. Waiting flows cost nothing here: they are rows.
"""

from __future__ import annotations

import concurrent.futures
import logging
import socket
import threading
import time
from dataclasses import dataclass

from openpas import metrics
from openpas.config import SmtpConfig
from openpas.engine import interpreter
from openpas.engine import position as positions
from openpas.engine.effects import SendMail
from openpas.engine.position import Status
from openpas.service.context import Context
from openpas.service.handlers import Reply
from openpas.service.mail import send_mail
from openpas.service.steps import (
    OpenedItem,
    PendingCall,
    after_status_change,
    change_of,
    facts_of,
    save_step,
)
from openpas.store import flows, nodes, waits

log = logging.getLogger("openpas.runner")

BATCH = 200
IDLE_SLEEP = 0.05
MAX_IDLE_SLEEP = 0.5


@dataclass
class RestoreReport:
    """What a restore found."""

    owned: int = 0
    restored_in_error: int = 0
    calls_retried: int = 0
    seconds: float = 0.0


class Runner:
    """Runs the flows this server owns."""

    def __init__(
        self,
        ctx: Context,
        batch: int = BATCH,
        call_workers: int = 16,
        smtp: SmtpConfig | None = None,
    ) -> None:
        self.ctx = ctx
        self.batch = batch
        self.smtp = smtp or SmtpConfig()
        """The mail server of Send E-Mail."""
        self._calls = concurrent.futures.ThreadPoolExecutor(call_workers, thread_name_prefix="call")
        self._inflight: set[concurrent.futures.Future[None]] = set()
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ restore

    def restore(self) -> RestoreReport:
        """Take up this server's flows after a start; calls found in flight: restored in error."""
        started = time.perf_counter()
        ctx = self.ctx
        report = RestoreReport()
        now = ctx.clock()
        with ctx.db.begin() as conn:
            nodes.register(conn, ctx.storage_id, socket.gethostname(), now)
            for call in waits.in_flight(conn, ctx.storage_id):
                waits.finish_call(
                    conn, call.id, "interrupted", None, "the server stopped during the call", now
                )
                found = flows.get_with_position(conn, call.flow_id)
                if found is None:
                    continue
                record, data = found
                if not call.wait or record.wait_key != call.key:
                    waits.add_event(conn, record.id, now, "call-interrupted", call.target)
                    continue
                program = ctx.program(conn, record.version_id)
                position = positions.load(data, program.definition)
                if call.request.get("retry"):
                    # The action said its call is idempotent: make it again, by itself.
                    interpreter.retry(position)
                    report.calls_retried += 1
                else:
                    what = (
                        f"the e-mail to {call.target!r} was being sent"
                        if call.kind == "email"
                        else f"the handler {call.target!r} was running"
                    )
                    position.status = Status.RESTORED_IN_ERROR
                    position.error = (
                        f"{interpreter.place(program, position)}: {what} when the server "
                        "stopped, so openpas cannot know how far it got; retry or skip the action"
                    )
                    report.restored_in_error += 1
                if flows.save(conn, record, change_of(program, position), now):
                    after_status_change(ctx, conn, record, program, position, now)
            report.owned = flows.count_owned(conn, ctx.storage_id)
        ctx.restored.set()
        report.seconds = time.perf_counter() - started
        log.info(
            "restored %d flows (%d restored in error, %d calls made again) in %.2f s",
            report.owned,
            report.restored_in_error,
            report.calls_retried,
            report.seconds,
            extra={"event": "restore"},
        )
        return report

    # ------------------------------------------------------------------ the loop

    def tick(self) -> int:
        """Fire due timers and work item deadlines, then run one batch of runnable flows."""
        swept = self.ctx.work.sweep() if self.ctx.work is not None else 0
        return swept + self.fire_timers() + self.step()

    def fire_timers(self) -> int:
        ctx = self.ctx
        now = ctx.clock()
        with ctx.db.begin() as conn:
            due = waits.due_timers(conn, ctx.storage_id, now, self.batch)
            for timer_id, flow_id, key in due:
                waits.delete_timer(conn, timer_id)
                found = flows.get_with_position(conn, flow_id)
                if found is None:
                    continue
                record, data = found
                program = ctx.program(conn, record.version_id)
                position = positions.load(data, program.definition)
                if interpreter.deliver(
                    program, position, facts_of(record), now, key, {"exit": "done"}
                ):
                    flows.save(conn, record, change_of(program, position), now)
        return len(due)

    def step(self) -> int:
        """Advance up to one batch of runnable flows and commit them together."""
        ctx = self.ctx
        now = ctx.clock()
        results = []
        with ctx.read() as conn:
            batch = flows.runnable(conn, ctx.storage_id, self.batch)
            for record, data in batch:
                program = ctx.program(conn, record.version_id)
                position = positions.load(data, program.definition)
                try:
                    step = interpreter.advance(program, position, facts_of(record), now)
                except Exception as exc:  # a bug must stop one flow, never the server
                    log.exception("flow #%d failed inside the engine", record.id)
                    position.status = Status.ERROR
                    position.error = f"internal error of openpas: {type(exc).__name__}"
                    step = interpreter.Step()
                results.append((record, program, position, step))
        if not results:
            return 0
        pending: list[PendingCall | OpenedItem] = []
        changed: list[tuple[int, str, str | None, str]] = []
        with ctx.db.begin() as conn:
            for record, program, position, step in results:
                saved = save_step(ctx, conn, record, program, position, step, now, pending)
                if saved and position.status.value != record.status:
                    changed.append(
                        (record.id, position.status.value, position.state, record.process_name)
                    )
        for flow_id, status, state, process in changed:
            ctx.publish_flow(flow_id, status, state=state, process=process)
        metrics.STEPS.inc(sum(step.actions for _, _, _, step in results))
        for waiting in pending:
            if isinstance(waiting, PendingCall):
                self._submit(waiting)
        if ctx.work is not None:
            ctx.work.opened_many([p.item_id for p in pending if isinstance(p, OpenedItem)])
        return len(results)

    # ------------------------------------------------------------------ calls

    def _submit(self, call: PendingCall) -> None:
        future = self._calls.submit(self._perform, call)
        with self._lock:
            self._inflight.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: concurrent.futures.Future[None]) -> None:
        with self._lock:
            self._inflight.discard(future)

    def _perform(self, call: PendingCall) -> None:
        ctx = self.ctx
        effect = call.effect
        started = time.perf_counter()
        reply: Reply
        if isinstance(effect, SendMail):
            reply = send_mail(self.smtp, effect)
            label, wait = f"email to {effect.to[0] if effect.to else 'nobody'}", True
        else:
            timeout = ctx.settings.handler_timeout if effect.default_timeout else effect.timeout
            reply = ctx.handlers.call(effect.handler, effect.parameters, timeout)
            label, wait = effect.handler, effect.wait
        # A handler's own exit names are successes of the call; only two outcomes are errors.
        outcome = reply.exit if reply.exit in ("failure", "timeout") else "success"
        metrics.CALLS.labels(outcome=outcome).observe(time.perf_counter() - started)
        if outcome != "success":
            metrics.CALL_ERRORS.inc()
        now = ctx.clock()
        status = {"success": "done", "failure": "failed", "timeout": "timed-out"}.get(
            reply.exit, "done"
        )
        try:
            with ctx.db.begin() as conn:
                if not waits.finish_call(conn, call.call_id, status, reply.exit, reply.error, now):
                    return  # a restore already took this call over
                waits.add_event(conn, call.flow_id, now, "call", f"{label}: {reply.exit}")
                if not wait:
                    return
                found = flows.get_with_position(conn, call.flow_id)
                if found is None:
                    return
                record, data = found
                program = ctx.program(conn, record.version_id)
                position = positions.load(data, program.definition)
                event = {"exit": reply.exit, "outputs": dict(reply.outputs)}
                delivered = interpreter.deliver(
                    program, position, facts_of(record), now, effect.key, event
                )
                if delivered and flows.save(conn, record, change_of(program, position), now):
                    after_status_change(ctx, conn, record, program, position, now)
        except Exception:
            log.exception("the reply of call %d could not be saved", call.call_id)

    def idle(self) -> bool:
        with self._lock:
            return not self._inflight

    def drain(self, timeout: float | None = None) -> bool:
        """Wait for the calls in progress; whether they all finished."""
        with self._lock:
            pending = list(self._inflight)
        _, not_done = concurrent.futures.wait(pending, timeout=timeout)
        return not not_done

    def run_until_idle(self, max_ticks: int = 100_000) -> None:
        """Tick until nothing is runnable and no call is in progress (tests, `openpas run`)."""
        for _ in range(max_ticks):
            if self.tick() == 0 and self.idle():
                if self.tick() == 0 and self.idle():
                    return
            elif not self.idle():
                self.drain(0.05)

    def serve(self, stop: threading.Event) -> None:
        """Run until ``stop`` is set; the step in progress always finishes."""
        sleep = IDLE_SLEEP
        last_beat = 0.0
        while not stop.is_set():
            try:
                worked = self.tick()
            except Exception:
                log.exception("the engine loop failed; trying again")
                worked = 0
                stop.wait(1.0)
            if time.monotonic() - last_beat > 5:
                last_beat = time.monotonic()
                with self.ctx.db.begin() as conn:
                    nodes.heartbeat(conn, self.ctx.storage_id, self.ctx.clock())
            if worked:
                sleep = IDLE_SLEEP
            else:
                stop.wait(sleep)
                sleep = min(sleep * 2, MAX_IDLE_SLEEP)

    def close(self, grace: float = 10.0) -> None:
        """Let calls in progress finish (up to ``grace`` seconds), then stop."""
        self.drain(grace)
        self._calls.shutdown(wait=False, cancel_futures=True)
        with self.ctx.db.begin() as conn:
            nodes.stopped(conn, self.ctx.storage_id, self.ctx.clock())
