from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.tests.factories import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    admin = User.objects.create_superuser(email="admin@example.com", password="Admin-password-1")
    client.force_login(admin)
    return client


def test_user_list_searches_by_email_phone_and_name(staff_client):
    UserFactory(email="olena@example.com", phone="+380501234567", first_name="Олена")
    UserFactory(email="petro@example.com", first_name="Петро")

    by_phone = staff_client.get("/admin/accounts/user/", {"q": "+380501234567"})
    by_name = staff_client.get("/admin/accounts/user/", {"q": "Петро"})

    assert by_phone.status_code == 200
    assert "olena@example.com" in by_phone.text
    assert "petro@example.com" not in by_phone.text
    assert "petro@example.com" in by_name.text
    assert "olena@example.com" not in by_name.text


def test_user_change_page_shows_addresses_but_never_the_password_hash(staff_client):
    user = UserFactory()
    AddressFactory(user=user, street="Сагайдачного")

    response = staff_client.get(f"/admin/accounts/user/{user.pk}/change/")

    assert response.status_code == 200
    assert "Сагайдачного" in response.text
    hash_part = user.password.split("$")[-1]
    assert hash_part not in response.text


def test_staff_can_add_a_user_with_email_and_password(staff_client):
    response = staff_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "new@example.com",
            "phone": "",
            "password1": "Admin-made-pass-7",
            "password2": "Admin-made-pass-7",
        },
    )

    assert response.status_code == 302, response.text[:2000]
    assert User.objects.get(email="new@example.com").check_password("Admin-made-pass-7")


def test_createsuperuser_noinput_from_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "boss@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Boss-password-123")

    call_command("createsuperuser", "--noinput", verbosity=0)

    boss = User.objects.get(email="boss@example.com")
    assert boss.is_staff
    assert boss.is_superuser
    assert boss.check_password("Boss-password-123")


def test_admin_login_works_by_email(client):
    User.objects.create_superuser(email="admin@example.com", password="Admin-password-1")

    response = client.post("/admin/login/", {"username": "admin@example.com", "password": "Admin-password-1"})

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
