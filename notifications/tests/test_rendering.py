"""Every event renders on both channels in Ukrainian and English from one set of templates."""

from __future__ import annotations

import pytest

from notifications.models import ORDER_EVENTS, Notification, NotificationChannel, NotificationEvent
from notifications.rendering import notification_render_email, notification_render_sms

ORDER_VARIABLES = {
    "order_id": 1042,
    "total": "1250.50",
    "currency": "UAH",
    "status": "paid",
    "cancel_reason": "payment_failed",
    "name": "Олена",
}
SECRET_VARIABLES = {
    NotificationEvent.PASSWORD_RESET: {"token": "Tok-en_123", "minutes": 30},
    NotificationEvent.EMAIL_VERIFICATION: {"code": "482913", "minutes": 10},
    NotificationEvent.PHONE_VERIFICATION: {"code": "482913", "minutes": 10},
}
# What must reach the reader, whatever the language.
ESSENTIALS = {
    **{event: ["1042", "http://localhost:8000/profile/orders/1042"] for event in ORDER_EVENTS},
    NotificationEvent.PASSWORD_RESET: ["http://localhost:8000/reset-password?token=Tok-en_123"],
    NotificationEvent.EMAIL_VERIFICATION: ["482913"],
    NotificationEvent.PHONE_VERIFICATION: ["482913"],
}


def notification(event: str, language: str, **variables: object) -> Notification:
    values = dict(ORDER_VARIABLES) if event in ORDER_EVENTS else dict(SECRET_VARIABLES[event])
    values.update(variables)
    return Notification(
        event=event,
        channel=NotificationChannel.EMAIL,
        to="a@example.com",
        variables=values,
        language=language,
    )


@pytest.mark.parametrize("language", ["uk", "en"])
@pytest.mark.parametrize("event", NotificationEvent.values)
def test_every_event_renders_subject_text_html_and_sms_with_its_essentials(event, language):
    row = notification(event, language)

    email = notification_render_email(notification=row)
    text = notification_render_sms(notification=row)

    assert email.subject
    assert "\n" not in email.subject
    assert email.html.lstrip().startswith("<!DOCTYPE html>")
    assert f'<html lang="{language}">' in email.html
    for essential in ESSENTIALS[event]:
        assert essential in email.text
        assert essential in email.html
        assert essential in text
    assert "{{" not in email.text + email.html + text
    assert "{%" not in email.text + email.html + text


@pytest.mark.parametrize("event", sorted(ORDER_EVENTS))
def test_order_messages_follow_the_row_language_in_status_and_money_format(event):
    uk = notification_render_email(notification=notification(event, "uk"))
    en = notification_render_email(notification=notification(event, "en"))

    assert "Оплачене" in uk.text
    assert "1250,50 UAH" in uk.text
    assert "Paid" in en.text
    assert "1250.50 UAH" in en.text


def test_cancellation_names_the_reason_in_the_row_language():
    uk = notification_render_email(notification=notification(NotificationEvent.ORDER_CANCELLED, "uk"))
    en = notification_render_sms(notification=notification(NotificationEvent.ORDER_CANCELLED, "en"))

    assert "Оплата не пройшла" in uk.text
    assert "Оплата не пройшла" in uk.html
    assert "cancelled" in en


def test_identity_messages_are_ukrainian_by_default_and_english_on_request():
    uk = notification_render_email(notification=notification(NotificationEvent.PASSWORD_RESET, "uk"))
    en = notification_render_email(notification=notification(NotificationEvent.PASSWORD_RESET, "en"))
    code_uk = notification_render_sms(notification=notification(NotificationEvent.PHONE_VERIFICATION, "uk"))
    code_en = notification_render_sms(notification=notification(NotificationEvent.PHONE_VERIFICATION, "en"))

    assert uk.subject == "Скидання пароля"
    assert en.subject == "Password reset"
    assert "Відкрийте це посилання протягом 30 хвилин" in uk.text
    assert code_uk == "Ваш код Storefront: 482913. Дійсний 10 хвилин."
    assert code_en == "Your Storefront code: 482913. It is valid for 10 minutes."


def test_the_reset_link_sits_alone_on_its_line_in_the_text_email():
    email = notification_render_email(notification=notification(NotificationEvent.PASSWORD_RESET, "uk"))

    assert "http://localhost:8000/reset-password?token=Tok-en_123" in email.text.splitlines()


def test_html_escapes_customer_text_and_plain_text_keeps_it_as_written():
    row = notification(NotificationEvent.ORDER_PAID, "en", name="<b>O'Brien</b>")

    email = notification_render_email(notification=row)

    assert "Hello, <b>O'Brien</b>!" in email.text
    assert "<b>O'Brien</b>" not in email.html
    assert "&lt;b&gt;O&#x27;Brien&lt;/b&gt;" in email.html


def test_links_use_the_configured_frontend_url(settings):
    settings.FRONTEND_URL = "https://shop.example.ua"

    text = notification_render_sms(notification=notification(NotificationEvent.ORDER_CREATED, "uk"))

    assert text.endswith("https://shop.example.ua/profile/orders/1042")
