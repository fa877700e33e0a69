"""The API tokens of rest_framework.authtoken were stored in clear and never expired; they are
replaced by django-rest-knox (hashed, with an expiry: ADR 0010). Their table is dropped, so
every client signs in again once."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_user_password_change_required")]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
    ]
