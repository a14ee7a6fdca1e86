"""`manage.py import_customers [--file PATH] [--dry-run] [--batch-size N]`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.utils.translation import gettext as _

from accounts import importing
from accounts.exceptions import ImportSourceNotConfigured
from accounts.models import ImportRun, ImportRunStatus, ImportSourceKind

BAR_WIDTH = 30


class ProgressBar:
    """One stdout line redrawn in place: `[#######-------]  48%  4800/10000`."""

    def __init__(self, out: OutputWrapper) -> None:
        self.out = out
        self.drawn = False

    def update(self, summary: importing.ImportSummary, total: int | None) -> None:
        if total:
            done = min(summary.read, total)
            filled = BAR_WIDTH * done // total
            line = f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {100 * done // total:3d}%  {done}/{total}"
        else:
            line = _("%(count)d rows read") % {"count": summary.read}
        self.out.write(f"\r{line}", ending="")
        self.out.flush()
        self.drawn = True

    def finish(self) -> None:
        if self.drawn:
            self.out.write("")


class Command(BaseCommand):
    help = (
        "Import customers from the legacy database (LEGACY_DATABASE_URL, IMPORT_QUERY) or from a "
        "CSV/JSON file; upserts by phone, then email. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", help="a .csv or .json file instead of the legacy database")
        parser.add_argument("--dry-run", action="store_true", help="do everything, write nothing")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=None,
            help=f"rows per transaction (default {importing.DEFAULT_BATCH_SIZE})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = options["batch_size"]
        if batch_size is None:
            batch_size = importing.default_batch_size()
        if not 1 <= batch_size <= importing.MAX_BATCH_SIZE:
            raise CommandError(f"--batch-size must be between 1 and {importing.MAX_BATCH_SIZE}")
        path = options["file"]
        try:
            run = importing.import_run_create(
                source=ImportSourceKind.FILE if path else ImportSourceKind.LEGACY_DATABASE,
                file_path=path or "",
                dry_run=options["dry_run"],
                batch_size=batch_size,
            )
        except ImportSourceNotConfigured as exc:
            raise CommandError(f"{exc.message}; or pass --file") from exc
        bar = ProgressBar(self.stdout)
        run = importing.import_run_execute(run_id=run.pk, progress=bar.update)
        bar.finish()
        self._report(run)
        if run.status == ImportRunStatus.FAILED:
            raise CommandError(run.error)

    def _report(self, run: ImportRun) -> None:
        write = self.stdout.write
        write(_("Read: %(count)d") % {"count": run.read_count})
        write(_("Created: %(count)d") % {"count": run.created_count})
        write(_("Updated: %(count)d") % {"count": run.updated_count})
        write(_("Unchanged: %(count)d") % {"count": run.unchanged_count})
        write(_("Skipped: %(count)d") % {"count": run.skipped_count})
        for skipped in run.skipped_rows:
            write(f"  {_('row %(row)d') % {'row': skipped['row']}}: {skipped['reason']}")
        if run.skipped_count > len(run.skipped_rows):
            write(_("  ... and %(count)d more") % {"count": run.skipped_count - len(run.skipped_rows)})
        if run.dry_run:
            write(_("Dry run: nothing was written."))
        write(_("Run %(id)s: %(status)s") % {"id": run.pk, "status": run.get_status_display()})
