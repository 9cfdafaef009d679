import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandParser

from retries.models import RETRY_PERMISSION


class Command(BaseCommand):
    help = "Create (or reset) the demo support login, allowed to retry failed items, and print it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="support")
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, **options) -> None:
        password = secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(username=options["username"])
        user.is_staff = True
        user.set_password(password)
        user.save()
        app_label, codename = RETRY_PERMISSION.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Log in at {options['url']} as {user.username} with password {password}"
            )
        )
