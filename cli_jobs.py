"""`flask jobs …`: the background worker and its periodic work by hand."""

from __future__ import annotations

import logging

import click
from flask.cli import AppGroup, with_appcontext

jobs_cli = AppGroup("jobs", help="Background jobs: the worker, the outbox, the reminders.")


@jobs_cli.command("worker")
@click.option("--workers", "-w", default=2, show_default=True, help="Worker threads.")
@click.option(
    "--no-periodic", is_flag=True, help="Do not run the periodic tasks (another worker does)."
)
@with_appcontext
def worker_command(workers: int, no_periodic: bool) -> None:
    """Run the Huey consumer: sends messages, retries, reminders."""
    from jobs import huey, shared_storage

    if not shared_storage():
        huey.flush_locks()  # the only worker of the embedded queue: no lock is anyone else's
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for name in ("huey", "jiefen"):
        logging.getLogger(name).disabled = False
    consumer = huey.create_consumer(workers=workers, periodic=not no_periodic)
    consumer.run()


@jobs_cli.command("sweep")
@with_appcontext
def sweep_command() -> None:
    """Send every pending message whose time has come (what the worker does every 5 min)."""
    from domain import notifications

    click.echo(f"sent {notifications.sweep()}")


@jobs_cli.command("reminders")
@with_appcontext
def reminders_command() -> None:
    """Give today's reminders (each once; what the worker does hourly)."""
    from domain import notifications

    notifications.run_reminders()
    click.echo("done")
