"""How `fairdepot backup`, `restore` and `check` report to the operator (rich, on stderr).

Each printer returns True when all is well, so the command knows its exit status.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from fairdepot.services.backup import BackupResult, RestoreResult
from fairdepot.services.fixity import CheckReport


def print_backup(console: Console, folder: Path, result: BackupResult) -> bool:
    manifest = result.manifest
    blobs, database = manifest["blobs"], manifest["database"]
    console.print(
        f"backup in {folder}: database snapshot of {manifest['snapshot_at']} "
        f"({database['tool']}, schema {database['schema_revision']}), "
        f"{blobs['count']} blobs, {blobs['bytes']} bytes, {manifest['duration_seconds']} s",
        markup=False,
    )
    key = manifest["signing_key"]
    if key["included"]:
        console.print(f"the signing key from the data folder is in {folder / key['file']}")
    else:
        console.print(
            "[bold yellow]KEEP FAIRDEPOT_SECRET_KEY WITH THIS BACKUP:[/bold yellow] the signing "
            "key is set outside the data folder and is not in the backup"
        )
    if not manifest["within_grace"]:
        console.print(
            f"[bold yellow]warning:[/bold yellow] the backup took "
            f"{manifest['duration_seconds']} s, longer than the blob deletion grace of "
            f"{manifest['blob_deletion_grace_seconds']} s; raise "
            "FAIRDEPOT_BLOB_DELETION_GRACE_SECONDS so deletions cannot overtake a backup"
        )
    for kind, items in (("missing", result.missing), ("damaged", result.mismatched)):
        for item in items:
            console.print(f"[red]{kind}:[/red] {item}")
    if not result.complete:
        console.print(
            f"[red]error:[/red] the backup is incomplete ({len(result.missing)} missing, "
            f"{len(result.mismatched)} damaged blobs); restore will refuse it"
        )
    return result.complete


def print_restore(console: Console, result: RestoreResult) -> None:
    manifest = result.manifest
    console.print(
        f"restored the snapshot of {manifest['snapshot_at']} and {result.blobs} blobs",
        markup=False,
    )
    for warning in result.warnings:
        console.print(f"[bold yellow]warning:[/bold yellow] {warning}")


def print_check(console: Console, report: CheckReport) -> bool:
    summary = Table(title="fairdepot check", show_header=False)
    summary.add_row("record files read", f"{report.files_checked} of {report.files_total}")
    summary.add_row("bytes read", str(report.bytes_read))
    summary.add_row("crate zips and pending uploads", str(report.other_blobs_checked))
    summary.add_row("blobs in the store", str(report.blobs_listed))
    recent = str(len(report.recent_unreferenced))
    summary.add_row("recent unreferenced (uploads in flight?)", recent)
    summary.add_row("problems", str(len(report.findings)))
    console.print(summary)
    if report.findings:
        # one line per problem, never folded: operators grep these and scripts parse them
        for finding in report.findings:
            console.print(
                f"[red]{finding.kind}:[/red] {escape(finding.where)} "
                f"blob {escape(finding.key)}: {escape(finding.detail)}",
                soft_wrap=True,
            )
        console.print(f"[red]check failed:[/red] {len(report.findings)} problems")
        return False
    console.print("[green]check passed[/green]")
    return True
