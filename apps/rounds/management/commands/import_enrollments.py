from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.rounds.csv_import import COLUMNS, read_enrollments_csv
from apps.rounds.models import Round
from apps.rounds.services import RoundError, enrollments_import


class Command(BaseCommand):
    help = (
        "Add or update a round's applicants and facilitators from a CSV file with the columns "
        + ", ".join(column.name for column in COLUMNS)
        + " (only email is required). All or nothing, like the admin's import page."
    )

    def add_arguments(self, parser):
        parser.add_argument("round", help="The round's slug.")
        parser.add_argument("path", type=Path, help="The CSV file, UTF-8 with a header row.")

    def handle(self, *args, round: str, path: Path, **options):
        # Exit status 2 for anything wrong with what was asked, as for a bad command line.
        try:
            target = Round.objects.select_related("course").get(slug=round)
        except Round.DoesNotExist:
            raise CommandError(
                f"There is no round with the slug “{round}”.", returncode=2
            ) from None
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.", returncode=2) from None
        try:
            summary = enrollments_import(round=target, rows=read_enrollments_csv(data))
        except RoundError as error:
            problems = str(error).replace("\n", f"\n{path.name}: ")
            raise CommandError(
                f"Nothing was imported. {path.name}: {problems}", returncode=2
            ) from None
        self.stdout.write(f"Imported into {target}: {summary}")
