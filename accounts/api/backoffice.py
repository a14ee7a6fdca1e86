"""Back-office REST `/rest/v1/` (staff only): customers and the legacy customer import.

snake_case fields and integer ids, as the internal systems that call it were written against.
Staff sign in with a Bearer token or a Django session (the admin's); session writes need CSRF.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.authentication import JWTAuthentication

from accounts import importing, selectors, services
from accounts.api.common import PhoneField
from accounts.models import Gender, ImportRun, User
from accounts.phones import split_phone
from config.api import IsoUtcField, LimitOffsetQuery, iso_utc

CUSTOMERS_TAG = ["backoffice: customers"]
SERVICE_TAG = ["backoffice: service"]
MAX_DB_INT = 2**31 - 1


class StaffAPIView(APIView):
    # Staff only: 401 without credentials, 403 for a customer. JWT first: its
    # `WWW-Authenticate` header is what makes a missing login a 401 rather than a 403.
    # (A comment, not a docstring: the schema would show it on every operation.)

    authentication_classes = [JWTAuthentication, SessionAuthentication]
    permission_classes = [IsAdminUser]


class SuccessOutput(serializers.Serializer):
    success = serializers.BooleanField()
    message = serializers.CharField(allow_null=True)


def success(message: str | None, **extra: Any) -> dict[str, Any]:
    return {"success": True, "message": message, **extra}


# --- customers -------------------------------------------------------------------------------


class PhoneOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="The customer's id: a customer has one phone.")
    code = serializers.CharField(help_text="Country calling code, e.g. 380.")
    number = serializers.CharField(help_text="National number, e.g. 971112233.")


class CustomerOutput(serializers.Serializer):
    """Empty names and gender come back as null, like everything else the customer left out."""

    id = serializers.IntegerField()
    phone = PhoneOutput(allow_null=True)
    firstname = serializers.CharField(allow_null=True)
    lastname = serializers.CharField(allow_null=True)
    email = serializers.CharField(allow_null=True)
    birthday = serializers.DateField(allow_null=True)
    gender = serializers.ChoiceField(choices=Gender.choices, allow_null=True)
    city_id = serializers.IntegerField(allow_null=True)
    last_auth_at = IsoUtcField(allow_null=True)

    def to_representation(self, user: User) -> dict[str, Any]:
        phone = None
        if user.phone:
            code, number = split_phone(user.phone)
            phone = {"id": user.pk, "code": code, "number": number}
        return {
            "id": user.pk,
            "phone": phone,
            "firstname": user.first_name or None,
            "lastname": user.last_name or None,
            "email": user.email or None,
            "birthday": user.birthday.isoformat() if user.birthday else None,
            "gender": user.gender or None,
            "city_id": user.city_id,
            "last_auth_at": iso_utc(user.last_login),
        }


class CustomerPageOutput(serializers.Serializer):
    items = CustomerOutput(many=True)
    count = serializers.IntegerField()


class CustomerInput(serializers.Serializer):
    """Every field optional and nullable; an empty string is the same as null."""

    phone = PhoneField(
        required=False, allow_null=True, allow_blank=True, help_text="Any format; stored as E.164."
    )
    firstname = serializers.CharField(
        max_length=120, required=False, allow_null=True, allow_blank=True, source="first_name"
    )
    lastname = serializers.CharField(
        max_length=120, required=False, allow_null=True, allow_blank=True, source="last_name"
    )
    email = serializers.EmailField(max_length=254, required=False, allow_null=True, allow_blank=True)
    birthday = serializers.DateField(required=False, allow_null=True)
    gender = serializers.ChoiceField(
        choices=Gender.choices, required=False, allow_null=True, allow_blank=True
    )
    city_id = serializers.IntegerField(min_value=1, max_value=MAX_DB_INT, required=False, allow_null=True)

    default_error_messages = {
        "contact_required": gettext_lazy("phone or email is required"),
        "birthday_future": gettext_lazy("birthday cannot be in the future"),
        "birthday_too_old": gettext_lazy("birthday must be after 1900-01-01"),
    }

    def validate_birthday(self, value: date | None) -> date | None:
        if value is not None:
            if value > timezone.localdate():
                self.fail("birthday_future")
            if value < date(1900, 1, 1):
                self.fail("birthday_too_old")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for field in ("phone", "email"):
            if field in attrs and not attrs[field]:
                attrs[field] = None
        # The customer being changed (PATCH) or None (POST): one of the contacts must remain.
        current: User | None = self.context.get("customer")
        phone = attrs.get("phone", current.phone if current else None)
        email = attrs.get("email", current.email if current else None)
        if not phone and not email:
            raise serializers.ValidationError({"phone": [self.error_messages["contact_required"]]})
        return attrs


class CustomerListView(StaffAPIView):
    """Customers (not staff, not deleted), oldest first."""

    @extend_schema(tags=CUSTOMERS_TAG, parameters=[LimitOffsetQuery], responses={200: CustomerPageOutput})
    def get(self, request: Request) -> Response:
        query = LimitOffsetQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        limit, offset = query.validated_data["limit"], query.validated_data["offset"]
        customers = selectors.customer_list()
        items = list(customers[offset : offset + limit])
        return Response({"items": CustomerOutput(items, many=True).data, "count": customers.count()})

    @extend_schema(tags=CUSTOMERS_TAG, request=CustomerInput, responses={201: CustomerOutput})
    def post(self, request: Request) -> Response:
        data = CustomerInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = services.customer_create(
            phone=values.get("phone"),
            email=values.get("email"),
            first_name=values.get("first_name") or "",
            last_name=values.get("last_name") or "",
            birthday=values.get("birthday"),
            gender=values.get("gender") or "",
            city_id=values.get("city_id"),
        )
        return Response(CustomerOutput(user).data, status=status.HTTP_201_CREATED)


class CustomerDetailView(StaffAPIView):
    """One customer; 404 when deleted, staff or absent."""

    @extend_schema(tags=CUSTOMERS_TAG, responses={200: CustomerOutput})
    def get(self, request: Request, customer_id: int) -> Response:
        return Response(CustomerOutput(selectors.customer_get(customer_id=customer_id)).data)

    @extend_schema(
        tags=CUSTOMERS_TAG,
        request=CustomerInput,
        responses={
            200: PolymorphicProxySerializer(
                component_name="BackofficeAccountsCustomerPatchResult",
                serializers=[CustomerOutput, SuccessOutput],
                resource_type_field_name=None,
            )
        },
        description='Changes the fields sent. With only `{"phone": "..."}` the answer is '
        '`{"success": true, "message": "..."}` instead of the customer.',
    )
    def patch(self, request: Request, customer_id: int) -> Response:
        customer = selectors.customer_get(customer_id=customer_id)
        data = CustomerInput(data=request.data, partial=True, context={"customer": customer})
        data.is_valid(raise_exception=True)
        user = services.customer_update(customer_id=customer.pk, data=dict(data.validated_data))
        if set(request.data) == {"phone"}:
            # The original service's "change phone" call answered with a status, not the customer.
            return Response(success(_("Phone number changed")))
        return Response(CustomerOutput(user).data)

    @extend_schema(tags=CUSTOMERS_TAG, responses={200: SuccessOutput})
    def delete(self, request: Request, customer_id: int) -> Response:
        customer = selectors.customer_get(customer_id=customer_id)
        services.user_soft_delete(user=customer)
        return Response(success(_("Customer deleted")))


# --- the customer import ---------------------------------------------------------------------


class ImportStartInput(serializers.Serializer):
    dryRun = serializers.BooleanField(required=False, default=False)
    batchSize = serializers.IntegerField(
        required=False, min_value=1, max_value=importing.MAX_BATCH_SIZE, allow_null=True, default=None
    )


class ImportStartedOutput(serializers.Serializer):
    taskId = serializers.CharField()


class SkippedRowOutput(serializers.Serializer):
    row = serializers.IntegerField(help_text="Line of a CSV file, else the row's position (from 1).")
    code = serializers.CharField()
    reason = serializers.CharField()


class ImportSummaryOutput(serializers.Serializer):
    read = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    skipped = serializers.IntegerField()
    skippedRows = SkippedRowOutput(many=True)
    skippedRowsTruncated = serializers.BooleanField()


class ImportRunOutput(serializers.Serializer):
    """camelCase like `taskId`, the one field the contract names for this resource."""

    taskId = serializers.CharField()
    status = serializers.CharField()
    source = serializers.CharField()
    dryRun = serializers.BooleanField()
    batchSize = serializers.IntegerField()
    total = serializers.IntegerField(allow_null=True, help_text="Rows in the source, when it can tell.")
    processed = serializers.IntegerField()
    summary = ImportSummaryOutput()
    error = serializers.CharField(allow_null=True)
    createdAt = IsoUtcField()
    startedAt = IsoUtcField(allow_null=True)
    finishedAt = IsoUtcField(allow_null=True)

    def to_representation(self, run: ImportRun) -> dict[str, Any]:
        return {
            "taskId": str(run.pk),
            "status": run.status,
            "source": run.source,
            "dryRun": run.dry_run,
            "batchSize": run.batch_size,
            "total": run.total,
            "processed": run.read_count,
            "summary": {
                "read": run.read_count,
                "created": run.created_count,
                "updated": run.updated_count,
                "unchanged": run.unchanged_count,
                "skipped": run.skipped_count,
                "skippedRows": run.skipped_rows,
                "skippedRowsTruncated": run.skipped_count > len(run.skipped_rows),
            },
            "error": run.error or None,
            "createdAt": iso_utc(run.created_at),
            "startedAt": iso_utc(run.started_at),
            "finishedAt": iso_utc(run.finished_at),
        }


class ImportStartView(StaffAPIView):
    """Start the legacy customer import as a Celery task; 202 with its id.

    POST only: a GET must not start an import (the original's GET path is kept as a POST alias).
    """

    @extend_schema(tags=SERVICE_TAG, request=ImportStartInput, responses={202: ImportStartedOutput})
    def post(self, request: Request) -> Response:
        data = ImportStartInput(data=request.data)
        data.is_valid(raise_exception=True)
        run = importing.import_run_start(
            dry_run=data.validated_data["dryRun"],
            batch_size=data.validated_data["batchSize"],
            requested_by=request.user,
        )
        return Response({"taskId": str(run.pk)}, status=status.HTTP_202_ACCEPTED)


class ImportRunView(StaffAPIView):
    """An import run's progress and summary."""

    @extend_schema(tags=SERVICE_TAG, responses={200: ImportRunOutput})
    def get(self, request: Request, task_id: str) -> Response:
        return Response(ImportRunOutput(importing.import_run_get(run_id=task_id)).data)
