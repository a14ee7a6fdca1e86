"""Create (or reset the password of) a staff superuser: used by `make run` for the demo login."""

from django.core.management.base import BaseCommand

from accounts.models import User


class Command(BaseCommand):
    help = "Ensure a staff superuser with this email and password exists."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)

    def handle(self, *args: object, email: str, password: str, **options: object) -> None:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            User.objects.create_superuser(email=email, password=password)
            self.stdout.write(f"created staff user {email}")
        elif not user.check_password(password) or not user.is_staff:
            user.set_password(password)
            user.is_staff = user.is_superuser = user.is_active = True
            user.save()
            self.stdout.write(f"reset staff user {email}")
