"""Account routes, one list per API surface (mounted by config/urls.py)."""

from django.urls import path

from accounts.api import backoffice, customers, storefront, v1

storefront_urlpatterns = [
    path("auth/register", storefront.RegisterView.as_view()),
    path("auth/login", storefront.LoginView.as_view()),
    path("auth/refresh", storefront.RefreshView.as_view()),
    path("auth/logout", storefront.LogoutView.as_view()),
    path("auth/forgot-password", storefront.ForgotPasswordView.as_view()),
    path("auth/reset-password", storefront.ResetPasswordView.as_view()),
    path("me", storefront.MeView.as_view()),
]

v1_urlpatterns = [
    path("auth/register/email", v1.RegisterEmailView.as_view()),
    path("auth/register/phone", v1.RegisterPhoneView.as_view()),
    path("auth/login/email", v1.LoginEmailView.as_view()),
    path("auth/login/phone", v1.LoginPhoneView.as_view()),
    path("auth/refresh", v1.RefreshView.as_view()),
    path("auth/logout", v1.LogoutView.as_view()),
    path("auth/verify/email/send", v1.VerifyEmailSendView.as_view()),
    path("auth/verify/email/confirm", v1.VerifyEmailConfirmView.as_view()),
    path("auth/verify/phone/send", v1.VerifyPhoneSendView.as_view()),
    path("auth/verify/phone/confirm", v1.VerifyPhoneConfirmView.as_view()),
    path("auth/password/change", v1.PasswordChangeView.as_view()),
    path("auth/password/reset/request", v1.PasswordResetRequestView.as_view()),
    path("auth/password/reset/confirm", v1.PasswordResetConfirmView.as_view()),
    path("users/me", v1.UsersMeView.as_view()),
    path("users/me/addresses", v1.AddressListView.as_view()),
    path("users/me/addresses/<int:address_id>", v1.AddressDetailView.as_view()),
]

customers_urlpatterns = [
    path("register", customers.RegisterView.as_view()),
    path("login", customers.LoginView.as_view()),
    path("logout", customers.LogoutView.as_view()),
    path("me", customers.MeView.as_view()),
    path("me/addresses", customers.AddressListView.as_view()),
    path("me/addresses/<int:address_id>", customers.AddressDetailView.as_view()),
    path("password/reset", customers.PasswordResetView.as_view()),
    path("password/confirm", customers.PasswordConfirmView.as_view()),
]

# Back-office REST `/rest/v1/` (staff only).
backoffice_urlpatterns = [
    path("customers/", backoffice.CustomerListView.as_view()),
    path("customers/<int:customer_id>/", backoffice.CustomerDetailView.as_view()),
    path("service/import_customers/", backoffice.ImportStartView.as_view()),
    path("service/import_customers/<uuid:task_id>/", backoffice.ImportRunView.as_view()),
]

# The original service's path for the import (`/grpc/v1/service/import_customers/`), kept as an alias.
# POST only: the original answered a GET here, but a GET must not change data.
legacy_urlpatterns = [
    path("service/import_customers/", backoffice.ImportStartView.as_view()),
]
